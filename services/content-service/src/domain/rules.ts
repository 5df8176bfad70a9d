// Pure rules of content delivery: no I/O, testable without a database.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { create as contentDisposition } from 'content-disposition';

export type AccessReason =
  | 'staff'
  | 'enrolled'
  | 'not-enrolled'
  | 'waitlisted'
  | 'course-not-published'
  | 'module-not-published'
  | 'item-not-published'
  | 'locked-until-date'
  | 'prerequisite-incomplete';

/** Denials a student may learn about (the item exists for them, it is just not open yet). */
export const LOCK_REASONS: readonly string[] = ['locked-until-date', 'prerequisite-incomplete'];

/** allowed → open; a lock → 403 with its reason; anything else → the file does not exist for them. */
export function readVerdict(answer: { allowed: boolean; reason: string }): 'open' | 'locked' | 'hidden' {
  if (answer.allowed) return 'open';
  return LOCK_REASONS.includes(answer.reason) ? 'locked' : 'hidden';
}

const MAX_NAME = 255;

/**
 * What is kept of a client's file name: its last path segment, without control bytes (NUL
 * included) or characters that mean something to a shell or a header, at most 255
 * characters. It is display text only: object keys never contain it.
 */
export function sanitizeFileName(raw: string | undefined): string {
  const last = String(raw ?? '')
    .split(/[/\\]/)
    .pop()!
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control bytes is the point
    .replace(/[\u0000-\u001f\u007f-\u009f"<>|:*?]/g, '')
    .trim()
    .replace(/^\.+/, '');
  const chars = Array.from(last);
  if (chars.length <= MAX_NAME) return chars.join('') || 'file';
  // Keep the extension when cutting a long name.
  const dot = last.lastIndexOf('.');
  const ext = dot > 0 && last.length - dot <= 16 ? last.slice(dot) : '';
  return (
    Array.from(last.slice(0, last.length - ext.length))
      .slice(0, MAX_NAME - ext.length)
      .join('') + ext
  );
}

/** Shown inline: types a browser renders without running our origin's script. Everything else downloads. */
const INLINE = /^(application\/pdf|image\/(png|jpeg|gif|webp)|video\/[\w.+-]+|audio\/[\w.+-]+|text\/plain)$/;

export function isInline(mediaType: string): boolean {
  return INLINE.test(mediaType);
}

/** `Content-Disposition` with a safe name (RFC 6266, `filename*` for non-ASCII); HTML and SVG always attach. */
export function dispositionFor(mediaType: string, name: string, wantDownload = false): string {
  return contentDisposition(name, { type: !wantDownload && isInline(mediaType) ? 'inline' : 'attachment' });
}

export type RangeAnswer =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/** One `bytes=` range (several ranges are answered in full, as RFC 9110 allows). */
export function parseRange(header: string | undefined, size: number): RangeAnswer {
  if (!header) return { kind: 'full' };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'full' };
  if (size === 0) return { kind: 'unsatisfiable' };
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

/** Strong ETag of one version: its SHA-256. */
export const etagOf = (sha256: string) => `"${sha256}"`;

export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

export interface SignedTarget {
  tenantId: string;
  fileId: string;
  version: number;
  /** Unix seconds. */
  expires: number;
}

const signingInput = ({ tenantId, fileId, version, expires }: SignedTarget) =>
  `content-delivery\n${tenantId}\n${fileId}\n${version}\n${expires}`;

/** HMAC-SHA256 over tenant, file, version and expiry: change any of them and it no longer verifies. */
export function signDelivery(secret: string, target: SignedTarget): string {
  return createHmac('sha256', secret).update(signingInput(target)).digest('base64url');
}

export function verifyDelivery(
  secret: string,
  target: SignedTarget,
  signature: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): 'valid' | 'expired' | 'invalid' {
  const expected = Buffer.from(signDelivery(secret, target));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
  return target.expires < nowSeconds ? 'expired' : 'valid';
}

/** Media types file-type cannot see (text has no magic number): HTML, SVG and plain UTF-8 text. */
export function sniffTextType(sample: Buffer): string | undefined {
  if (sample.includes(0)) return undefined;
  const text = sample.toString('utf8');
  if (text.includes('\uFFFD')) return undefined;
  const head = text.slice(0, 1024).trimStart().toLowerCase();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/.test(head) || /<svg[\s>]/.test(head.slice(0, 512)))
    return 'image/svg+xml';
  if (/^(<!doctype html|<html|<head|<body|<script|<iframe)/.test(head) || /<script[\s>]/.test(head))
    return 'text/html';
  return 'text/plain';
}
