/**
 * Lets a Node test import an app's server-side lib/*.ts as Next runs them, outside Next: `server-only`
 * becomes an empty module, `next/headers` answers the cookie jar and request headers the test sets,
 * and the apps' extensionless relative imports (`./session`, bundler resolution) find their `.ts`.
 * Call `stubNextServer()` before importing (dynamically) the app's modules.
 */
import { registerHooks } from 'node:module';

interface NextServerState {
  cookies: Map<string, string>;
  headers: Headers;
}

const STATE = Symbol.for('eduspry.next-server-stub');
const globals = globalThis as unknown as Record<symbol, NextServerState | undefined>;

const NEXT_HEADERS = `
const state = () => globalThis[Symbol.for('eduspry.next-server-stub')];
export async function cookies() {
  const jar = state().cookies;
  return {
    get: (name) => (jar.has(name) ? { name, value: jar.get(name) } : undefined),
    set: (name, value) => void jar.set(name, value),
    delete: (name) => void jar.delete(name),
  };
}
export async function headers() {
  return state().headers;
}
`;

let registered = false;

/** The stubbed request: set `cookies` (e.g. the access-token cookie) and `headers` per test. */
export function stubNextServer(): NextServerState {
  globals[STATE] ??= { cookies: new Map(), headers: new Headers() };
  if (!registered) {
    registered = true;
    registerHooks({
      resolve(specifier, context, nextResolve) {
        if (specifier === 'server-only')
          return { url: 'data:text/javascript,export {}', shortCircuit: true, format: 'module' };
        if (specifier === 'next/headers')
          return {
            url: `data:text/javascript,${encodeURIComponent(NEXT_HEADERS)}`,
            shortCircuit: true,
            format: 'module',
          };
        if (
          /^\.\.?\//.test(specifier) &&
          !/\.[cm]?[jt]sx?$/.test(specifier) &&
          context.parentURL?.includes('/apps/')
        )
          return nextResolve(`${specifier}.ts`, context);
        return nextResolve(specifier, context);
      },
    });
  }
  return globals[STATE]!;
}
