import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (private signing keys, IdP client secrets): AES-256-GCM under a key derived
 * from AUTH_KEY_ENCRYPTION_SECRET, stored as `v1.<iv>.<tag>.<ciphertext>` (base64url). Without
 * a secret (development only; production refuses to start) they are stored as `plain.<base64url>`.
 */
export function seal(secret: string | undefined, purpose: string, plain: string): string {
  if (!secret) return `plain.${Buffer.from(plain).toString('base64url')}`;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret, purpose), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', ...[iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url'))].join('.');
}

export function unseal(secret: string | undefined, purpose: string, sealed: string): string {
  const [version, ...parts] = sealed.split('.');
  if (version === 'plain') return Buffer.from(parts[0] ?? '', 'base64url').toString('utf8');
  if (!secret) throw new Error('secrets at rest are encrypted: set AUTH_KEY_ENCRYPTION_SECRET');
  const [iv, tag, body] = parts.map((part) => Buffer.from(part, 'base64url'));
  const decipher = createDecipheriv('aes-256-gcm', keyFor(secret, purpose), iv!);
  decipher.setAuthTag(tag!);
  return Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8');
}

function keyFor(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'eduspry', purpose, 32));
}
