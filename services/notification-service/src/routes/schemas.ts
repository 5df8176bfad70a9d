import { Type } from 'typebox';
import {
  CATEGORIES,
  type Category as CategoryName,
  CHANNELS,
  type Channel as ChannelName,
  FREQUENCIES,
  type Frequency as FrequencyName,
} from '../domain/rules.ts';

export { errors } from '@eduspry/common';

export const Uuid = Type.String({ format: 'uuid' });
/** Free text: PostgreSQL text cannot hold NUL, so it is refused here as a 400 rather than failing later. */
export const Text = (options: { minLength?: number; maxLength: number }) =>
  Type.String({ ...options, pattern: '^[^\\u0000]*$' });
export const security = [{ bearerAuth: [] }];
export const Category = Type.Unsafe<CategoryName>(Type.String({ enum: [...CATEGORIES] }));
export const Channel = Type.Unsafe<ChannelName>(Type.String({ enum: [...CHANNELS] }));
export const Frequency = Type.Unsafe<FrequencyName>(Type.String({ enum: [...FREQUENCIES] }));

export const InboxItem = Type.Object({
  id: Uuid,
  category: Type.String(),
  title: Type.String(),
  body: Type.String(),
  link: Type.Union([Type.String(), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String({ format: 'date-time' }),
  readAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const Unread = Type.Object({ unread: Type.Integer({ minimum: 0 }) });

export const PreferenceEntry = Type.Object(
  { category: Category, channel: Channel, frequency: Frequency },
  { additionalProperties: false },
);
/** `HH:MM` local time in the user's time zone. */
const LocalTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });
export const Settings = Type.Object(
  {
    timeZone: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_+\\-/]+$' }),
    quietHoursStart: Type.Union([LocalTime, Type.Null()]),
    quietHoursEnd: Type.Union([LocalTime, Type.Null()]),
    phone: Type.Union([Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$' }), Type.Null()]),
  },
  { additionalProperties: false },
);
export const Preferences = Type.Object({ preferences: Type.Array(PreferenceEntry), settings: Settings });

export const Endpoint = Type.Object({
  id: Uuid,
  url: Type.String(),
  description: Type.String(),
  eventTypes: Type.Array(Type.String()),
  ordered: Type.Boolean(),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  disabledReason: Type.Union([Type.String(), Type.Null()]),
  failingSince: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});
/** An event type, `<domain>.*`, or `*`. */
export const EventTypePattern = Type.String({
  pattern: '^(\\*|[a-z_]+(\\.\\*|\\.[a-z_]+\\.[a-z_]+))$',
  maxLength: 200,
});
export const WebhookUrl = Type.String({ pattern: '^https?://', maxLength: 2000 });

export const Delivery = Type.Object({
  id: Type.Integer(),
  messageId: Type.String(),
  eventType: Type.String(),
  orderingKey: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  completedAt: Type.Union([Type.String(), Type.Null()]),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
});
