/**
 * What a notification preference is made of, declared once for notification-service (which keeps
 * preferences per category and channel) and the apps that edit them.
 */

/** What a notification is about. */
export const NOTIFICATION_CATEGORIES = [
  'enrollment',
  'content',
  'quiz',
  'grade',
  'feedback',
  'announcement',
  'at_risk',
  'webhooks',
] as const;
export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];

/** Where a notification goes. */
export const NOTIFICATION_CHANNELS = ['in_app', 'email', 'push', 'sms'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** How often a channel sends what a category produces. */
export const NOTIFICATION_FREQUENCIES = ['immediately', 'daily', 'weekly', 'never'] as const;
export type NotificationFrequency = (typeof NOTIFICATION_FREQUENCIES)[number];
