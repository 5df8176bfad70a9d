import { readFileSync } from 'node:fs';
import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id with OWASP's recommended minimum: 19 MiB memory, 2 iterations, 1 lane (~20 ms per
 * hash on one core). The demo seed's hashes use exactly these. bench/auth-tokens.ts measures
 * sign-ins per second with them, which tells operators how many cores sign-in peaks need.
 */
export const ARGON2_PARAMS = {
  // Algorithm.Argon2id: the binding's const enum cannot be imported under type stripping.
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

/** Top common passwords of at least 10 characters (SecLists, CC BY-SA 3.0), lower-cased. */
const COMMON_PASSWORDS = new Set(
  readFileSync(new URL('../../data/common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter(Boolean),
);

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_PARAMS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * A hash of nothing anyone knows. Sign-in verifies against it when the account does not exist
 * (or has no password), so "no such user" costs the same time as "wrong password".
 */
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword(`no-such-user-${Math.random()}`);
  await verifyPassword(await dummyHash, password);
}

/** NIST 800-63B style: length, not composition rules; and not a known-breached common password. */
export function passwordPolicyViolation(password: string, email?: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return 'is too common: it appears in lists of breached passwords';
  if (email && lower === email.toLowerCase()) return 'must not be your email address';
  return undefined;
}
