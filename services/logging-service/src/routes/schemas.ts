import { Type } from 'typebox';
import { LEVELS } from '../domain/log-records.ts';

const Nullable = (schema: ReturnType<typeof Type.String>) => Type.Union([schema, Type.Null()]);
export const Level = Type.Union(LEVELS.map((level) => Type.Literal(level)));

/** The guide's log line as it arrives; stricter checks (time window, ids) are in the domain. */
export const IncomingLine = Type.Object(
  {
    timestamp: Type.String({ minLength: 1, maxLength: 40 }),
    level: Level,
    service: Type.String({ minLength: 1, maxLength: 100 }),
    component: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    traceId: Type.Optional(Nullable(Type.String({ pattern: '^[0-9a-f]{32}$' }))),
    spanId: Type.Optional(Nullable(Type.String({ pattern: '^[0-9a-f]{16}$' }))),
    tenantId: Type.Optional(Nullable(Type.String({ format: 'uuid' }))),
    tenantName: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    userId: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    sessionId: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    message: Type.String(),
    context: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
    metrics: Type.Optional(Type.Record(Type.String(), Type.Number())),
    environment: Type.String({ minLength: 1, maxLength: 40 }),
  },
  { additionalProperties: false },
);

export const StoredLine = Type.Object({
  id: Type.String(),
  timestamp: Type.String(),
  level: Level,
  service: Type.String(),
  component: Type.Union([Type.String(), Type.Null()]),
  traceId: Type.Union([Type.String(), Type.Null()]),
  spanId: Type.Union([Type.String(), Type.Null()]),
  tenantId: Type.String(),
  tenantName: Type.Union([Type.String(), Type.Null()]),
  userId: Type.Union([Type.String(), Type.Null()]),
  sessionId: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
  context: Type.Record(Type.String(), Type.Unknown()),
  tags: Type.Array(Type.String()),
  metrics: Type.Record(Type.String(), Type.Number()),
  environment: Type.String(),
});
