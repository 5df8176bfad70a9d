/**
 * Problems of course access that callers recognise by code: course-service answers them (its
 * catalog includes these), the gateway translates them (`module-locked` → GraphQL `LOCKED`),
 * and no caller needs course-service's package to know them.
 */
export const COURSE_ACCESS_PROBLEMS = {
  'module-locked': { status: 403, title: 'Locked' },
} as const;

/**
 * Why a student may not open a module or an item: the `reason` course-service decides
 * (`decideAccess`), the gateway passes on (`Module.lockReason`, the `LOCKED` error's
 * `extensions.reason`), and the apps explain in the user's language (one message per reason,
 * `lockReasons.<reason>` in their catalogs; scripts/test/messages.test.ts keeps them complete).
 */
export const LOCK_REASONS = [
  'not-enrolled',
  'waitlisted',
  'course-not-published',
  'module-not-published',
  'item-not-published',
  'locked-until-date',
  'prerequisite-incomplete',
] as const;
export type LockReason = (typeof LOCK_REASONS)[number];

export const isLockReason = (reason: string | null | undefined): reason is LockReason =>
  (LOCK_REASONS as readonly string[]).includes(reason ?? '');

/**
 * Why a module or item is locked, in the English the API answers with (the gateway's
 * `lockExplanation`); the apps show their own catalogs' words for the same reasons.
 */
export const LOCK_EXPLANATIONS: Record<LockReason, string> = {
  'not-enrolled': 'Enrol in the course to open this module.',
  waitlisted: 'You are on the waitlist; this opens when a seat frees up.',
  'course-not-published': 'The course has not been published yet.',
  'module-not-published': 'Your instructor has not published this module yet.',
  'item-not-published': 'This item has not been published yet.',
  'locked-until-date': 'This module opens on its unlock date.',
  'prerequisite-incomplete': 'Finish the previous module first.',
};
