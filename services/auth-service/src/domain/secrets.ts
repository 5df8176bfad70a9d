import { createHash, randomBytes } from 'node:crypto';

/** An opaque token for a user to hold (refresh, reset, verification): 256 random bits. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of an opaque token: tokens are high-entropy, so SHA-256 suffices. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
