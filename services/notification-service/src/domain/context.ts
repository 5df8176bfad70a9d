import type { PlatformLogger, RealtimePort, Sql } from '@eduspry/common';
import type { Mailer } from '@eduspry/common/mailer';
import type { PushSender } from '../channels/push.ts';
import type { SmsSender } from '../channels/sms.ts';
import type { SafeHttpClient } from '../webhooks/outbound.ts';

export type Log = PlatformLogger & {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
};

export interface WebhookSettings {
  timeoutMs: number;
  retryInitialMs: number;
  retryMaxMs: number;
  retryHorizonMs: number;
  disableAfterMs: number;
  secretOverlapSeconds: number;
  concurrency: number;
}

/** What the domain needs from the outside world; built once in app.ts. */
export interface NotificationContext {
  sql: Sql;
  log: Log;
  realtime: RealtimePort;
  mailer: Mailer;
  /** Unset when VAPID keys are not configured: push messages are skipped. */
  push: PushSender | undefined;
  sms: SmsSender;
  http: SafeHttpClient;
  webhooks: WebhookSettings;
  /** Signs unsubscribe links. */
  linkSecret: string;
  publicAppUrl: string;
  publicUrl: string;
  vapidPublicKey: string | undefined;
  /** The clock (tests move it). */
  now(): Date;
}
