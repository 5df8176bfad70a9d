import { LogLineSchema } from '@eduspry/logging/log-line';
import { Type } from 'typebox';
import { LEVELS, type Level as LevelName } from '../domain/log-records.ts';

export const Level = Type.Unsafe<LevelName>(Type.Union(LEVELS.map((level) => Type.Literal(level))));

/** The log line as it arrives: the one schema in packages/logging (stricter checks are in the domain). */
export const IncomingLine = LogLineSchema;

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
