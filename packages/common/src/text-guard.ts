/**
 * The one rule on text every EduSpry surface applies before anything else reads it: PostgreSQL
 * refuses NUL (U+0000) in text and a lone UTF-16 surrogate cannot be encoded as UTF-8, so such a
 * string would only fail later, as a 500. A `__proto__` key is refused too: it means prototype
 * pollution to any code that copies the object. Pure and dependency-free, so the Deno edge
 * functions import this same file.
 */

export interface UnsafeText {
  /** Where the offending value is, e.g. `body.events.0.message`, `query.q`, `params.id`. */
  field: string;
  reason: 'nul' | 'lone-surrogate' | 'forbidden-key';
}

// A NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const FORBIDDEN_KEYS = new Set(['__proto__']);

/** Why a string is unsafe, or undefined when it is fine. */
export function unsafeTextReason(text: string): 'nul' | 'lone-surrogate' | undefined {
  const match = UNSAFE.exec(text);
  if (!match) return undefined;
  return match[0] === '\u0000' ? 'nul' : 'lone-surrogate';
}

/**
 * The first unsafe string or key anywhere in `value` (objects and arrays, however deep), named by
 * its path under `root` (`''`: paths start at the top-level key); undefined when there is none. Iterative, so deep nesting cannot overflow
 * the stack; each value is visited once.
 */
export function findUnsafeText(value: unknown, root = 'body'): UnsafeText | undefined {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') {
      const reason = unsafeTextReason(current);
      if (reason) return { field: path, reason };
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--)
        stack.push([current[index], join(path, String(index))]);
    } else if (current !== null && typeof current === 'object' && !ArrayBuffer.isView(current)) {
      const keys = Object.keys(current);
      for (let index = keys.length - 1; index >= 0; index--) {
        const key = keys[index]!;
        const keyReason = FORBIDDEN_KEYS.has(key) ? 'forbidden-key' : unsafeTextReason(key);
        if (keyReason) return { field: join(path, printable(key)), reason: keyReason };
        stack.push([(current as Record<string, unknown>)[key], join(path, key)]);
      }
    }
  }
  return undefined;
}

/** A sentence for the problem's `detail`. */
export function describeUnsafeText({ field, reason }: UnsafeText): string {
  if (reason === 'nul') return `${field} contains a NUL character`;
  if (reason === 'lone-surrogate') return `${field} contains an unpaired UTF-16 surrogate`;
  return `${field} is a forbidden key`;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const printable = (key: string) => key.replace(UNSAFE_GLOBAL, '\uFFFD');
const UNSAFE_GLOBAL = new RegExp(UNSAFE.source, 'g');
