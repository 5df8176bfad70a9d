import { AsyncLocalStorage } from 'node:async_hooks';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';

export type { Logger };

/** The guide's log line, one JSON object per line, keys in this order and always present. */
export const LOG_FIELDS = [
  'timestamp',
  'level',
  'service',
  'component',
  'traceId',
  'spanId',
  'tenantId',
  'tenantName',
  'userId',
  'sessionId',
  'message',
  'context',
  'tags',
  'metrics',
  'environment',
] as const;

export interface LogLine {
  timestamp: string;
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  service: string;
  component: string | null;
  traceId: string | null;
  spanId: string | null;
  tenantId: string | null;
  tenantName: string | null;
  userId: string | null;
  sessionId: string | null;
  message: string;
  context: Record<string, unknown>;
  tags: string[];
  metrics: Record<string, number>;
  environment: string;
}

/**
 * Who and what a piece of work is about. The service kit fills it per request (and consumers
 * per event); every line logged inside picks it up, so no caller passes a traceId by hand.
 */
export interface LogContext {
  traceId?: string;
  spanId?: string;
  tenantId?: string;
  tenantName?: string;
  userId?: string;
  sessionId?: string;
  requestId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `work` with its own log context (inheriting nothing from the caller's). */
export function runWithLogContext<T>(context: LogContext, work: () => T): T {
  return storage.run({ ...context }, work);
}

/**
 * Sets fields on the current log context, e.g. the tenant once a token is verified. Outside
 * any context it starts one for the rest of the current asynchronous flow.
 */
export function setLogContext(fields: LogContext): void {
  const current = storage.getStore();
  if (current) Object.assign(current, fields);
  else storage.enterWith({ ...fields });
}

export interface LoggerOptions {
  service: string;
  level?: string;
  environment?: string;
  /** The part of the service writing, e.g. `http`, `consumer`, `retention`; a child may override it. */
  component?: string;
  /** Where lines go; stdout by default. */
  destination?: pino.DestinationStream;
}

/**
 * Keys whose values never reach a log line, at any depth (request headers, bodies, context).
 * Compared case-insensitively with `-` and `_` ignored, so `X-Api-Key` and `api_key` match.
 */
export const REDACTED_KEYS = [
  'password',
  'newpassword',
  'currentpassword',
  'passwordhash',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'secret',
  'clientsecret',
  'apikey',
  'xapikey',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
];
const REDACTED = '[redacted]';
const redactedKeys = new Set(REDACTED_KEYS);
// Credentials that leak inside strings: bearer/basic headers and anything shaped like a JWT.
const SECRET_IN_TEXT =
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+|\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

const SHAPE_KEYS = new Set<string>(LOG_FIELDS);
const MAX_DEPTH = 8;

/** Returns a copy of `value` with secrets censored; exported for shippers that log foreign data. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string')
    return value.replace(SECRET_IN_TEXT, (_match, scheme?: string) =>
      scheme ? `${scheme} ${REDACTED}` : REDACTED,
    );
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = redactedKeys.has(key.toLowerCase().replaceAll(/[-_]/g, ''))
      ? REDACTED
      : redact(inner, depth + 1);
  }
  return out;
}

/**
 * Reshapes whatever pino wrote (caller fields, child bindings, errors) into exactly the guide's
 * shape: known fields at the top, everything else under `context`, ids from the active
 * OpenTelemetry span or the async log context.
 */
function toLogLine(
  raw: Record<string, unknown>,
  defaults: { service: string; environment: string },
): LogLine {
  const ambient = storage.getStore() ?? {};
  const spanContext = trace.getActiveSpan()?.spanContext();
  const span = spanContext && isSpanContextValid(spanContext) ? spanContext : undefined;
  const context: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!SHAPE_KEYS.has(key) && key !== 'msg') context[key] = value;
  }
  if (raw.context && typeof raw.context === 'object' && !Array.isArray(raw.context))
    Object.assign(context, raw.context);
  if (ambient.requestId && context.requestId === undefined) context.requestId = ambient.requestId;
  const text = (key: keyof LogLine, fallback: string | undefined): string | null => {
    const own = raw[key];
    if (typeof own === 'string' && own !== '') return own;
    return fallback ?? null;
  };
  return {
    timestamp: typeof raw.timestamp === 'string' ? raw.timestamp : new Date().toISOString(),
    level: raw.level as LogLine['level'],
    service: text('service', defaults.service) as string,
    component: text('component', undefined),
    traceId: text('traceId', span?.traceId ?? ambient.traceId),
    spanId: text('spanId', span?.spanId ?? ambient.spanId),
    tenantId: text('tenantId', ambient.tenantId),
    tenantName: text('tenantName', ambient.tenantName),
    userId: text('userId', ambient.userId),
    sessionId: text('sessionId', ambient.sessionId),
    message: typeof raw.message === 'string' ? (redact(raw.message) as string) : '',
    context: redact(context) as Record<string, unknown>,
    tags: Array.isArray(raw.tags) ? raw.tags.filter((tag): tag is string => typeof tag === 'string') : [],
    metrics: numbersOnly(raw.metrics),
    environment: text('environment', defaults.environment) as string,
  };
}

function numbersOnly(value: unknown): Record<string, number> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]),
    ),
  );
}

/**
 * A pino logger whose every line is the guide's shape. Use it like pino:
 * `log.info({ courseId, tags: ['enrollment'], metrics: { durationMs } }, 'student enrolled')`;
 * extra fields land in `context`, `log.child({ component: 'consumer' })` names the part.
 */
export function createLogger({
  service,
  level = 'info',
  environment,
  component,
  destination,
}: LoggerOptions): Logger {
  const defaults = { service, environment: environment ?? process.env.NODE_ENV ?? 'development' };
  return pino(
    {
      level,
      messageKey: 'message',
      base: { service, environment: defaults.environment, ...(component ? { component } : {}) },
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      hooks: {
        streamWrite: (line) => `${JSON.stringify(toLogLine(JSON.parse(line), defaults))}\n`,
      },
    },
    destination,
  );
}

/** Checks one parsed line against the guide's shape; returns what is wrong (empty when valid). */
export function logLineProblems(line: unknown): string[] {
  if (!line || typeof line !== 'object' || Array.isArray(line)) return ['not a JSON object'];
  const record = line as Record<string, unknown>;
  const problems: string[] = [];
  const keys = Object.keys(record);
  if (keys.join(',') !== LOG_FIELDS.join(','))
    problems.push(`keys are [${keys.join(', ')}], expected [${LOG_FIELDS.join(', ')}]`);
  if (typeof record.timestamp !== 'string' || Number.isNaN(Date.parse(record.timestamp)))
    problems.push('timestamp is not an ISO date');
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal'].includes(record.level as string))
    problems.push(`level ${JSON.stringify(record.level)} is not a level name`);
  for (const key of ['service', 'message', 'environment'] as const)
    if (typeof record[key] !== 'string') problems.push(`${key} is not a string`);
  if (typeof record.service === 'string' && record.service === '') problems.push('service is empty');
  for (const key of [
    'component',
    'traceId',
    'spanId',
    'tenantId',
    'tenantName',
    'userId',
    'sessionId',
  ] as const)
    if (record[key] !== null && typeof record[key] !== 'string')
      problems.push(`${key} is neither a string nor null`);
  if (typeof record.traceId === 'string' && !/^[0-9a-f]{32}$/.test(record.traceId))
    problems.push('traceId is not 32 hex digits');
  if (typeof record.spanId === 'string' && !/^[0-9a-f]{16}$/.test(record.spanId))
    problems.push('spanId is not 16 hex digits');
  if (!record.context || typeof record.context !== 'object' || Array.isArray(record.context))
    problems.push('context is not an object');
  if (!Array.isArray(record.tags) || record.tags.some((tag) => typeof tag !== 'string'))
    problems.push('tags is not an array of strings');
  if (
    !record.metrics ||
    typeof record.metrics !== 'object' ||
    Object.values(record.metrics).some((value) => typeof value !== 'number')
  )
    problems.push('metrics is not an object of numbers');
  return problems;
}
