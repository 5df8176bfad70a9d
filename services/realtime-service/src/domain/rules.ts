/** Pure rules of the realtime protocol subset: topics, filters, presence. No I/O. */

export const TOPIC_PREFIX = 'realtime:';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TOPIC_LENGTH = 255;

/** `realtime:course:…` → `course:…`; undefined when the topic is not a channel topic. */
export function subTopicOf(topic: string): string | undefined {
  if (!topic.startsWith(TOPIC_PREFIX) || topic.length > MAX_TOPIC_LENGTH) return undefined;
  const sub = topic.slice(TOPIC_PREFIX.length);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (sub.length === 0 || /[\u0000-\u001f]/.test(sub)) return undefined;
  return sub;
}

/**
 * Topics whose name says who may be there: `user:<uuid>` (that user), `course:<uuid>` (its
 * members) and `course-staff:<uuid>` (its teachers, TAs and the tenant's admins). They must be
 * joined as private channels, so the database policies decide.
 */
export function isReservedTopic(sub: string): boolean {
  return /^(user|course|course-staff):/.test(sub);
}

export function isWellFormedReservedTopic(sub: string): boolean {
  const match = /^(user|course|course-staff):(.+)$/.exec(sub);
  return !!match && UUID.test(match[2]!);
}

/**
 * Which subscribers share a channel. Reserved topics name a globally unique user or course and
 * their policies admit only that user or course's members, so they form one channel everywhere
 * (server-side broadcasts need no tenant). Every other topic is per tenant: `room1` of one
 * district is not `room1` of another.
 */
export function channelScope(sub: string, tenantId: string): string {
  return isReservedTopic(sub) ? sub : `${tenantId}|${sub}`;
}

export type ChangeEvent = 'INSERT' | 'UPDATE' | 'DELETE' | '*';

export interface ChangeFilter {
  column: string;
  operator: 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'in';
  value: string | string[];
}

/** `course_id=eq.42`, `status=in.(a,b)`: Supabase's filter syntax (one condition). */
export function parseFilter(filter: string | undefined): ChangeFilter | null | 'invalid' {
  if (filter === undefined || filter === '') return null;
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(eq|neq|lt|lte|gt|gte|in)\.(.*)$/s.exec(filter);
  if (!match) return 'invalid';
  const [, column, operator, raw] = match as unknown as [string, string, ChangeFilter['operator'], string];
  if (operator === 'in') {
    const list = /^\((.*)\)$/s.exec(raw);
    if (!list) return 'invalid';
    const values = list[1]!.split(',').map((value) => value.trim().replace(/^"(.*)"$/, '$1'));
    return { column, operator, value: values };
  }
  return { column, operator, value: raw };
}

function asComparable(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') return JSON.stringify(value);
  return typeof value === 'number' ? value : String(value);
}

export function matchesFilter(record: Record<string, unknown> | null, filter: ChangeFilter | null): boolean {
  if (!filter) return true;
  if (!record || !(filter.column in record)) return false;
  const actual = asComparable(record[filter.column]);
  if (actual === null) return false;
  if (filter.operator === 'in') return (filter.value as string[]).includes(String(actual));
  const wanted = filter.value as string;
  const numeric = typeof actual === 'number' && wanted.trim() !== '' && !Number.isNaN(Number(wanted));
  const [a, b] = numeric ? [actual as number, Number(wanted)] : [String(actual), wanted];
  switch (filter.operator) {
    case 'eq':
      return a === b;
    case 'neq':
      return a !== b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
  }
  return false;
}

export function matchesEvent(wanted: ChangeEvent, operation: string): boolean {
  return wanted === '*' || wanted === operation;
}

/** Seconds until a token expires; negative when it already has. */
export function secondsUntilExpiry(exp: unknown, nowMs: number): number {
  return typeof exp === 'number' ? exp - nowMs / 1000 : Number.POSITIVE_INFINITY;
}

/** A fixed one-second window of frames per socket. */
export class RateWindow {
  #windowStart = 0;
  #count = 0;
  readonly perSecond: number;
  constructor(perSecond: number) {
    this.perSecond = perSecond;
  }
  /** 'ok', 'over' (answer with an error), 'abuse' (twice the limit: close the socket). */
  hit(nowMs: number): 'ok' | 'over' | 'abuse' {
    if (nowMs - this.#windowStart >= 1000) {
      this.#windowStart = nowMs;
      this.#count = 0;
    }
    this.#count += 1;
    if (this.#count > this.perSecond * 2) return 'abuse';
    return this.#count > this.perSecond ? 'over' : 'ok';
  }
}
