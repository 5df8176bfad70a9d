/**
 * The rules for stored log lines: what a valid line is, the limits of one batch, how levels
 * compare, how a search cursor is made, and which retention applies. No I/O here.
 */

export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LEVELS)[number];
export const SEVERITY: Record<Level, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

/** Lines without a tenant (platform work) are stored under the nil uuid, visible to super_admin only. */
export const PLATFORM_TENANT = '00000000-0000-0000-0000-000000000000';

/** Documented limits of one HTTP batch: 1000 lines and 1 MiB of JSON. */
export const MAX_BATCH_LINES = 1000;
export const MAX_BATCH_BYTES = 1024 * 1024;
export const MAX_MESSAGE_CHARS = 32 * 1024;
/** Lines stamped further ahead than this are refused (a clock gone wrong, not a log). */
export const MAX_FUTURE_MS = 60 * 60 * 1000;

export interface IncomingLogLine {
  timestamp: string;
  level: Level;
  service: string;
  component?: string | null;
  traceId?: string | null;
  spanId?: string | null;
  tenantId?: string | null;
  tenantName?: string | null;
  userId?: string | null;
  sessionId?: string | null;
  message: string;
  context?: Record<string, unknown>;
  tags?: string[];
  metrics?: Record<string, number>;
  environment: string;
}

export interface LogRecord {
  ts: Date;
  level: Level;
  severity: number;
  service: string;
  component: string | null;
  traceId: string | null;
  spanId: string | null;
  tenantId: string;
  tenantName: string | null;
  userId: string | null;
  sessionId: string | null;
  message: string;
  context: Record<string, unknown>;
  tags: string[];
  metrics: Record<string, number>;
  environment: string;
}

export class InvalidLogLine extends Error {
  readonly index: number;
  readonly field: string;
  constructor(index: number, field: string, problem: string) {
    super(`line ${index}: ${field} ${problem}`);
    this.name = 'InvalidLogLine';
    this.index = index;
    this.field = field;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/**
 * Checks one line beyond its schema (which the HTTP route already enforced; Kafka lines arrive
 * unchecked) and turns it into a record. Throws InvalidLogLine naming the field.
 */
export function toLogRecord(line: unknown, index: number, now: Date, oldestAccepted: Date): LogRecord {
  if (!line || typeof line !== 'object' || Array.isArray(line))
    throw new InvalidLogLine(index, 'line', 'is not an object');
  const l = line as Record<string, unknown>;
  const text = (field: string, { required = false, max = 200 } = {}): string | null => {
    const value = l[field];
    if (value === undefined || value === null || value === '') {
      if (required) throw new InvalidLogLine(index, field, 'is required');
      return null;
    }
    if (typeof value !== 'string') throw new InvalidLogLine(index, field, 'is not a string');
    if (value.length > max) throw new InvalidLogLine(index, field, `is longer than ${max} characters`);
    return value;
  };
  const timestamp = text('timestamp', { required: true, max: 40 })!;
  const ts = new Date(timestamp);
  if (Number.isNaN(ts.getTime())) throw new InvalidLogLine(index, 'timestamp', 'is not an ISO date');
  if (ts.getTime() > now.getTime() + MAX_FUTURE_MS)
    throw new InvalidLogLine(index, 'timestamp', 'is in the future');
  if (ts < oldestAccepted)
    throw new InvalidLogLine(index, 'timestamp', 'is older than the longest retention');
  const level = text('level', { required: true, max: 10 }) as Level;
  if (!LEVELS.includes(level)) throw new InvalidLogLine(index, 'level', `is not one of ${LEVELS.join(', ')}`);
  const traceId = text('traceId', { max: 32 });
  if (traceId && !TRACE_ID.test(traceId)) throw new InvalidLogLine(index, 'traceId', 'is not 32 hex digits');
  const spanId = text('spanId', { max: 16 });
  if (spanId && !SPAN_ID.test(spanId)) throw new InvalidLogLine(index, 'spanId', 'is not 16 hex digits');
  const tenantId = text('tenantId', { max: 36 });
  if (tenantId && !UUID.test(tenantId)) throw new InvalidLogLine(index, 'tenantId', 'is not a uuid');
  const message = l.message;
  if (typeof message !== 'string') throw new InvalidLogLine(index, 'message', 'is not a string');
  const context = l.context ?? {};
  if (typeof context !== 'object' || Array.isArray(context))
    throw new InvalidLogLine(index, 'context', 'is not an object');
  const tags = l.tags ?? [];
  if (
    !Array.isArray(tags) ||
    tags.length > 50 ||
    tags.some((tag) => typeof tag !== 'string' || tag.length > 100)
  )
    throw new InvalidLogLine(index, 'tags', 'is not a list of at most 50 short strings');
  const metrics = l.metrics ?? {};
  if (
    typeof metrics !== 'object' ||
    Array.isArray(metrics) ||
    Object.values(metrics).some((value) => typeof value !== 'number' || !Number.isFinite(value))
  )
    throw new InvalidLogLine(index, 'metrics', 'is not an object of numbers');
  return {
    ts,
    level,
    severity: SEVERITY[level],
    service: text('service', { required: true, max: 100 })!,
    component: text('component'),
    traceId,
    spanId,
    tenantId: tenantId?.toLowerCase() ?? PLATFORM_TENANT,
    tenantName: text('tenantName'),
    userId: text('userId'),
    sessionId: text('sessionId'),
    message: message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message,
    context: context as Record<string, unknown>,
    tags: tags as string[],
    metrics: metrics as Record<string, number>,
    environment: text('environment', { required: true, max: 40 })!,
  };
}

/** The UTC days a batch touches: their partitions must exist before the insert. */
export function daysOf(records: LogRecord[]): string[] {
  return [...new Set(records.map((record) => record.ts.toISOString().slice(0, 10)))].sort();
}

/** Who may write a batch: a tenant's caller writes its own tenant's lines only. */
export function foreignTenantLine(
  records: LogRecord[],
  caller: { tenantId: string; superAdmin: boolean },
): number {
  if (caller.superAdmin) return -1;
  return records.findIndex((record) => record.tenantId !== caller.tenantId);
}

export interface Cursor {
  /** Microseconds since the epoch: timestamptz precision, exact in a bigint string. */
  tsMicros: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.tsMicros}:${cursor.id}`).toString('base64url');
}

export function decodeCursor(value: string): Cursor | undefined {
  const match = /^(\d{1,20}):(\d{1,20})$/.exec(Buffer.from(value, 'base64url').toString());
  return match ? { tsMicros: match[1]!, id: match[2]! } : undefined;
}

export interface RetentionPolicy {
  tenantId: string | null;
  level: Level;
  retainDays: number;
}

/** Whole days older than the longest retention anywhere go as partitions; nothing kept is lost. */
export function partitionCutoffDay(policies: RetentionPolicy[], now: Date): string {
  const longest = Math.max(1, ...policies.map((policy) => policy.retainDays));
  return new Date(now.getTime() - longest * 86_400_000).toISOString().slice(0, 10);
}

/** The oldest timestamp ingestion accepts: lines older than every retention would be dropped at once. */
export function oldestAccepted(policies: RetentionPolicy[], now: Date): Date {
  const longest = Math.max(1, ...policies.map((policy) => policy.retainDays));
  return new Date(now.getTime() - longest * 86_400_000);
}
