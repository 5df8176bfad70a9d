/**
 * The log line, defined once: the TypeBox schema every ingest path validates with
 * (logging-service over HTTP and Kafka, the log-events edge function), and its one set of limits.
 * Plain TypeScript whose only import is TypeBox (no Node APIs), so Deno imports this very file.
 */
import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The limits of one line, the same on every path. */
export const LOG_LINE_LIMITS = {
  /** Characters of `message`. Servers' lines over it are cut (a line is never lost for length); clients' are refused. */
  messageChars: 32 * 1024,
  tags: 50,
  tagChars: 100,
  serviceChars: 100,
  /** component, tenantName, userId, sessionId. */
  textChars: 200,
  timestampChars: 40,
  environmentChars: 40,
} as const;

const L = LOG_LINE_LIMITS;
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Text = Nullable(Type.String({ maxLength: L.textChars }));

export const LogLevelSchema = Type.Union(LOG_LEVELS.map((level) => Type.Literal(level)));
/** The fields a line and a client's event share, with their limits. */
const fields = {
  level: LogLevelSchema,
  message: Type.String({ minLength: 1, maxLength: L.messageChars }),
  component: Type.Optional(Text),
  traceId: Type.Optional(Nullable(Type.String({ pattern: '^[0-9a-f]{32}$' }))),
  spanId: Type.Optional(Nullable(Type.String({ pattern: '^[0-9a-f]{16}$' }))),
  context: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  tags: Type.Optional(Type.Array(Type.String({ maxLength: L.tagChars }), { maxItems: L.tags })),
  metrics: Type.Optional(Type.Record(Type.String(), Type.Number())),
};

/** The guide's log line as a service (or Fluent Bit) sends it. */
export const LogLineSchema = Type.Object(
  {
    timestamp: Type.String({ minLength: 1, maxLength: L.timestampChars }),
    service: Type.String({ minLength: 1, maxLength: L.serviceChars }),
    tenantId: Type.Optional(
      Nullable(
        Type.String({
          pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
        }),
      ),
    ),
    tenantName: Type.Optional(Text),
    userId: Type.Optional(Text),
    sessionId: Type.Optional(Text),
    environment: Type.String({ minLength: 1, maxLength: L.environmentChars }),
    ...fields,
  },
  { additionalProperties: false },
);
/** A line as it arrives (fields may be left out); `LogLine` in index.ts is the complete line a logger writes. */
export type LogLineInput = Static<typeof LogLineSchema>;

/**
 * A browser's or app's event (the log-events edge function): the same fields and limits; the
 * function fills in who (tenant, user, session from the token), when (now, if left out) and where.
 */
export const ClientLogEventSchema = Type.Object(
  {
    timestamp: Type.Optional(Type.String({ minLength: 1, maxLength: L.timestampChars })),
    service: Type.Optional(
      Nullable(Type.String({ minLength: 1, maxLength: L.serviceChars - 'client:'.length })),
    ),
    ...fields,
  },
  // Other fields a client sends are ignored, never trusted: who and where come from the token.
  { additionalProperties: true },
);
export type ClientLogEvent = Static<typeof ClientLogEventSchema>;

/** The first way `value` breaks `schema`: the line's field and what is wrong, or null if none. */
export function logLineError(
  schema: typeof LogLineSchema | typeof ClientLogEventSchema,
  value: unknown,
): { field: string; problem: string } | null {
  if (Value.Check(schema, value)) return null;
  const [first] = Value.Errors(schema, value);
  // The line's own field (`metrics`, not `metrics.ms`): what a sender fixes.
  const field = (first?.instancePath ?? '').split('/')[1] ?? '';
  const missing = (
    first?.params as { requiredProperties?: string[]; additionalProperties?: string[] } | undefined
  )?.requiredProperties?.[0];
  const extra = (first?.params as { additionalProperties?: string[] } | undefined)?.additionalProperties?.[0];
  const at = [field, missing ?? extra].filter(Boolean).join('.') || 'line';
  const problem =
    extra || first?.message === 'schema is false'
      ? 'is not a field of a log line'
      : at === 'level'
        ? `must be one of ${LOG_LEVELS.join(', ')}`
        : (first?.message ?? 'is invalid');
  return { field: at, problem };
}
