import { NIL_UUID } from '@eduspry/contracts';
import {
  LOG_LEVELS,
  LOG_LINE_LIMITS,
  type LogLineInput,
  LogLineSchema,
  logLineError,
} from '@eduspry/logging/log-line';

/**
 * The rules for stored log lines: what a valid line is, the limits of one batch, how levels
 * compare, how a search cursor is made, and which retention applies. No I/O here.
 */

export const LEVELS = LOG_LEVELS;
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
export const PLATFORM_TENANT = NIL_UUID;

/** Documented limits of one HTTP batch: 1000 lines and 1 MiB of JSON. */
export const MAX_BATCH_LINES = 1000;
export const MAX_BATCH_BYTES = 1024 * 1024;
export const MAX_MESSAGE_CHARS = LOG_LINE_LIMITS.messageChars;
/** Lines stamped further ahead than this are refused (a clock gone wrong, not a log). */
export const MAX_FUTURE_MS = 60 * 60 * 1000;

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

/**
 * Checks one line against the log line schema (packages/logging: the HTTP route already did; Kafka
 * lines arrive unchecked) and the time window, and turns it into a record. Throws InvalidLogLine
 * naming the field. A server's line is never lost for length: an over-long message is cut to the
 * limit before the check.
 */
export function toLogRecord(line: unknown, index: number, now: Date, oldestAccepted: Date): LogRecord {
  if (!line || typeof line !== 'object' || Array.isArray(line))
    throw new InvalidLogLine(index, 'line', 'is not an object');
  const raw = line as Record<string, unknown>;
  const candidate =
    typeof raw.message === 'string' && raw.message.length > MAX_MESSAGE_CHARS
      ? { ...raw, message: `${raw.message.slice(0, MAX_MESSAGE_CHARS - 1)}…` }
      : raw;
  const invalid = logLineError(LogLineSchema, candidate);
  if (invalid) throw new InvalidLogLine(index, invalid.field, invalid.problem);
  const l = candidate as LogLineInput;
  const ts = new Date(l.timestamp);
  if (Number.isNaN(ts.getTime())) throw new InvalidLogLine(index, 'timestamp', 'is not an ISO date');
  if (ts.getTime() > now.getTime() + MAX_FUTURE_MS)
    throw new InvalidLogLine(index, 'timestamp', 'is in the future');
  if (ts < oldestAccepted)
    throw new InvalidLogLine(index, 'timestamp', 'is older than the longest retention');
  return {
    ts,
    level: l.level,
    severity: SEVERITY[l.level],
    service: l.service,
    component: l.component || null,
    traceId: l.traceId || null,
    spanId: l.spanId || null,
    tenantId: l.tenantId?.toLowerCase() || PLATFORM_TENANT,
    tenantName: l.tenantName || null,
    userId: l.userId || null,
    sessionId: l.sessionId || null,
    message: l.message,
    context: l.context ?? {},
    tags: l.tags ?? [],
    metrics: l.metrics ?? {},
    environment: l.environment,
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
