import { isLockReason } from '@eduspry/contracts/access-problems';
import type { getTranslations } from 'next-intl/server';

export type Translator = Awaited<ReturnType<typeof getTranslations>>;

/** A code (role, state, status, kind) in words, or the code itself when the catalog lacks it. */
export function label(t: Translator, group: string, code: string): string {
  return t.has(`${group}.${code}`) ? t(`${group}.${code}`) : code;
}

/** Why something is locked, in the user's language (the reasons of packages/contracts). */
export function lockExplanation(t: Translator, reason: string | null | undefined): string {
  return isLockReason(reason) ? t(`lockReasons.${reason}`) : t('lockReasons.unknown');
}

/** Why a quiz could not be started or saved (a GraphQL error code of the gateway), in words. */
export function problemText(t: Translator, code: string | null | undefined): string {
  return code && t.has(`quiz.problems.${code}`) ? t(`quiz.problems.${code}`) : t('quiz.problems.other');
}
