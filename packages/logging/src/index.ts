import pino, { type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  service: string;
  level?: string;
  environment?: string;
  /** Where lines go; stdout by default. */
  destination?: pino.DestinationStream;
}

/**
 * Secrets never reach a log line: these paths are censored wherever they appear
 * in a logged object (request headers, bodies, context).
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'newPassword',
  '*.newPassword',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

/** One JSON object per line in the guide's shape: timestamp, level, service, message, environment, … */
export function createLogger({ service, level = 'info', environment, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      messageKey: 'message',
      errorKey: 'error',
      base: { service, environment: environment ?? process.env.NODE_ENV ?? 'development' },
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}
