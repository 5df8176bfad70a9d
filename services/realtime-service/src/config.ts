import { BaseConfig, loadConfig } from '@eduspry/common';
import { type Static, Type } from 'typebox';

export const RealtimeConfig = Type.Object({
  ...BaseConfig,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 4008 }),
  /** auth-service, whose JWKS verifies the access tokens a join carries; `npm start` sets it. */
  AUTH_SERVICE_URL: Type.String({ default: 'http://127.0.0.1:4001', pattern: '^https?://' }),
  AUTH_ISSUER: Type.String({ default: 'http://127.0.0.1:4001', pattern: '^https?://' }),
  AUTH_AUDIENCE: Type.String({ default: 'eduspry', minLength: 1 }),
  /** The shared secret services send as `Authorization: Bearer …` to POST /api/broadcast. */
  REALTIME_SERVICE_KEY: Type.String({ minLength: 16 }),
  /** Set: instances share broadcasts and presence through Redis pub/sub; else Postgres LISTEN/NOTIFY. */
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  /** Largest WebSocket frame accepted; a larger one closes the socket with 1009. */
  REALTIME_MAX_MESSAGE_BYTES: Type.Integer({ minimum: 1024, default: 256 * 1024 }),
  /** Channels one socket may have joined at once. */
  REALTIME_MAX_CHANNELS_PER_SOCKET: Type.Integer({ minimum: 1, default: 100 }),
  /** Frames one socket may send per second; beyond it error replies, beyond twice it the socket closes. */
  REALTIME_MAX_MESSAGES_PER_SECOND: Type.Integer({ minimum: 1, default: 100 }),
  /** Presences one channel keeps at most (per instance). */
  REALTIME_MAX_PRESENCES_PER_CHANNEL: Type.Integer({ minimum: 1, default: 10_000 }),
  /** Seconds without any frame (heartbeats included) after which a socket is closed. */
  REALTIME_IDLE_TIMEOUT_SECONDS: Type.Integer({ minimum: 5, default: 60 }),
  /** How long captured row changes are kept in live.changes. */
  REALTIME_CHANGES_RETENTION_SECONDS: Type.Integer({ minimum: 10, default: 600 }),
});
export type RealtimeConfig = Static<typeof RealtimeConfig>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): RealtimeConfig =>
  loadConfig(RealtimeConfig, env);

export interface Limits {
  maxMessageBytes: number;
  maxChannelsPerSocket: number;
  maxMessagesPerSecond: number;
  maxPresencesPerChannel: number;
  idleTimeoutMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxMessageBytes: 256 * 1024,
  maxChannelsPerSocket: 100,
  maxMessagesPerSecond: 100,
  maxPresencesPerChannel: 10_000,
  idleTimeoutMs: 60_000,
};

export function limitsFrom(config: RealtimeConfig): Limits {
  return {
    maxMessageBytes: config.REALTIME_MAX_MESSAGE_BYTES,
    maxChannelsPerSocket: config.REALTIME_MAX_CHANNELS_PER_SOCKET,
    maxMessagesPerSecond: config.REALTIME_MAX_MESSAGES_PER_SECOND,
    maxPresencesPerChannel: config.REALTIME_MAX_PRESENCES_PER_CHANNEL,
    idleTimeoutMs: config.REALTIME_IDLE_TIMEOUT_SECONDS * 1000,
  };
}
