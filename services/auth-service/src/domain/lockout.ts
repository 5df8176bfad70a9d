/** Failures allowed before the account (tenant + email) locks. */
export const FREE_FAILURES = 5;
/** The first lock lasts 30 s and doubles with each further failure, up to 15 minutes. */
export const FIRST_LOCK_SECONDS = 30;
export const MAX_LOCK_SECONDS = 15 * 60;
/** A day without failures forgets earlier ones. */
export const FORGET_FAILURES_AFTER_SECONDS = 24 * 3600;

export function lockSecondsAfter(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_LOCK_SECONDS, FIRST_LOCK_SECONDS * 2 ** (failures - FREE_FAILURES));
}
