import { randomUUID } from 'node:crypto';
import type { EventDataMap } from './event-data.generated.ts';
import { isUuid } from './ids.ts';
import { currentVersion, schemaFor } from './registry.ts';

export type EventType = keyof EventDataMap & string;

/** The envelope every event travels in (the implementation guide's shape). */
export interface EventEnvelope<T = unknown, K extends string = string> {
  /** uuid, unique per event: consumers deduplicate on it. */
  eventId: string;
  /** uuid of the tenant the event belongs to. */
  tenantId: string;
  /** ISO-8601 UTC instant the event was created. */
  timestamp: string;
  /** `<domain>.<context>.<event>`, e.g. `user.authentication.user_registered`. */
  eventType: K;
  /** Major version of the data schema. */
  version: number;
  data: T;
}

/** The envelope of a known event type at its current version. */
export type EventOf<K extends EventType> = EventEnvelope<EventDataMap[K], K>;

/** An event that does not match its contract; `field` names the first offending field. */
export class EventValidationError extends Error {
  override name = 'EventValidationError';
  readonly field: string;
  readonly eventType: string;
  constructor(eventType: string, field: string, problem: string) {
    super(`invalid ${eventType} event: ${field} ${problem}`);
    this.eventType = eventType;
    this.field = field;
  }
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export interface CreateEventInput<T> {
  tenantId: string;
  data: T;
  /** Defaults to a fresh uuid. */
  eventId?: string;
  /** Defaults to now. */
  timestamp?: string;
}

/** A validated envelope at the type's current version, with a fresh eventId and the current time. */
export function createEvent<K extends EventType>(
  eventType: K,
  input: CreateEventInput<EventDataMap[K]>,
): EventOf<K> {
  const event: EventOf<K> = {
    eventId: input.eventId ?? randomUUID(),
    tenantId: input.tenantId,
    timestamp: input.timestamp ?? new Date().toISOString(),
    eventType,
    version: currentVersion(eventType),
    data: input.data,
  };
  validateEvent(event);
  // The data as every consumer receives it, whichever bus carries it: optional fields left out
  // take their schema default (null), as Avro's encoding gives them on Kafka.
  const type = schemaFor(eventType, event.version).type;
  return { ...event, data: structuredClone(type.clone(event.data)) as EventOf<K>['data'] };
}

/**
 * Checks an envelope and its data against the data's Avro schema; throws an
 * EventValidationError naming the first bad field (`data.roles[0]`, `tenantId`, …).
 */
export function validateEvent(event: EventEnvelope): void {
  const eventType = typeof event?.eventType === 'string' ? event.eventType : 'unknown';
  const fail = (field: string, problem: string): never => {
    throw new EventValidationError(eventType, field, problem);
  };
  if (typeof event !== 'object' || event === null) fail('event', 'must be an object');
  if (typeof event.eventId !== 'string' || !isUuid(event.eventId)) fail('eventId', 'must be a uuid');
  if (typeof event.tenantId !== 'string' || !isUuid(event.tenantId)) fail('tenantId', 'must be a uuid');
  if (typeof event.timestamp !== 'string' || !ISO_INSTANT.test(event.timestamp))
    fail('timestamp', 'must be an ISO-8601 instant');
  if (typeof event.eventType !== 'string') fail('eventType', 'must be a string');
  if (!Number.isInteger(event.version) || event.version < 1) fail('version', 'must be a positive integer');
  let schema: ReturnType<typeof schemaFor>;
  try {
    schema = schemaFor(event.eventType, event.version);
  } catch (error) {
    fail(event.version ? 'eventType' : 'version', (error as Error).message);
    return;
  }
  let bad: { path: string[]; value: unknown; type: string } | undefined;
  const valid = schema.type.isValid(event.data, {
    errorHook: (path, value, type) => {
      bad ??= { path, value, type: String(type.typeName ?? type.branchName ?? 'value') };
    },
  });
  if (!valid) {
    const leaf = (bad?.path ?? []).map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`)).join('');
    const field = `data${leaf}`;
    if (bad?.value === undefined) fail(field, 'is required');
    fail(field, `must be ${describeType(bad!.type)} (got ${JSON.stringify(bad!.value)})`);
  }
  // Avro ignores extra properties when encoding: refuse them so no one relies on data that is dropped.
  const extra = findExtraField(schema.type, event.data, 'data');
  if (extra) fail(extra, 'is not in the schema');
}

function describeType(typeName: string): string {
  if (typeName === 'enum') return 'one of the enum symbols';
  if (typeName === 'union:unwrapped' || typeName === 'union:wrapped') return 'null or a valid value';
  return `a valid ${typeName}`;
}

function findExtraField(type: import('avsc').Type, value: unknown, path: string): string | undefined {
  const t = type as unknown as {
    typeName: string;
    fields?: { name: string; type: import('avsc').Type }[];
    itemsType?: import('avsc').Type;
    types?: import('avsc').Type[];
  };
  if (t.typeName === 'record' && value && typeof value === 'object') {
    const known = new Set(t.fields!.map((field) => field.name));
    for (const key of Object.keys(value)) if (!known.has(key)) return `${path}.${key}`;
    for (const field of t.fields!) {
      const extra = findExtraField(
        field.type,
        (value as Record<string, unknown>)[field.name],
        `${path}.${field.name}`,
      );
      if (extra) return extra;
    }
  }
  if (t.typeName === 'array' && Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const extra = findExtraField(t.itemsType!, item, `${path}[${index}]`);
      if (extra) return extra;
    }
  }
  if (t.typeName === 'union:unwrapped' && value !== null && value !== undefined) {
    const branch = t.types!.find((candidate) => candidate.isValid(value));
    if (branch) return findExtraField(branch, value, path);
  }
  return undefined;
}
