// The shapes the operations pages read and write, as the services define them
// (packages/contracts' OpenAPI types are the source of the wire shapes).
import type { paths as Gateway } from '@eduspry/contracts/openapi/api-gateway';
import type { paths as Content } from '@eduspry/contracts/openapi/content-service';
import type { paths as Logging } from '@eduspry/contracts/openapi/logging-service';
import type { paths as Notification } from '@eduspry/contracts/openapi/notification-service';
import type { paths as Realtime } from '@eduspry/contracts/openapi/realtime-service';

/** notification-service's categories, channels and frequencies (declared in packages/contracts). */
export {
  NOTIFICATION_CATEGORIES as CATEGORIES,
  NOTIFICATION_CHANNELS as CHANNELS,
  NOTIFICATION_FREQUENCIES as FREQUENCIES,
} from '@eduspry/contracts/notifications';

/** logging-service's levels and the longest retention it accepts. */
export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export const MAX_RETAIN_DAYS = 3650;

export const SERVICE = /^[a-z][a-z0-9-]{1,40}$/;

/** A field-error name (letters only, see lib/forms.ts) for a category × channel cell. */
export const fieldOf = (category: string, channel: string) =>
  `${category}_${channel}`.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;

/** The gateway's `GET /platform/health` (services/api-gateway/src/platform-health.ts). */
export type PlatformHealth = Json<Gateway['/platform/health']['get']['responses'][200]>;
export type ServiceHealth = PlatformHealth['services'][number];
export type StorageSettings = Json<Content['/storage']['get']['responses'][200]>;
export type RetentionPolicies = Json<Logging['/retention-policies']['get']['responses'][200]>;
export type TenantDefaults = Json<Notification['/preferences/tenant-defaults']['get']['responses'][200]>;
/** realtime-service's `GET /settings/presence`: who shows as "Here now" on a course page. */
export type PresenceSettings = Json<Realtime['/settings/presence']['get']['responses'][200]>;
export type CoursePresence = PresenceSettings['coursePresence'];
/** Widest to narrowest, as the page offers them. */
export const COURSE_PRESENCE = ['everyone', 'staff', 'off'] as const satisfies readonly CoursePresence[];

export type WebhookEndpoint = Json<Notification['/webhooks/endpoints/{id}']['get']['responses'][200]>;
export type WebhookDelivery = Json<
  Notification['/webhooks/endpoints/{id}/deliveries']['get']['responses'][200]
>['items'][number];

/** notification-service's event type pattern: a type, `<domain>.*`, or `*`. */
export const EVENT_TYPE_PATTERN = /^(\*|[a-z_]+(\.\*|\.[a-z_]+\.[a-z_]+))$/;
/** The cookie that carries a new signing secret to the one page view that shows it. */
export const SECRET_COOKIE = 'eduspry_admin_webhook_secret';
