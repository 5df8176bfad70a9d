/**
 * Lets a Node test import an app's server-side lib/*.ts (and proxy.ts) as Next runs them, outside
 * Next: `server-only` becomes an empty module, `next/headers` answers the cookie jar and request
 * headers the test sets, `redirect()` of `next/navigation` throws a `NextRedirect` carrying the
 * address (as Next's own does, to end the action), `next/cache` does nothing, `next/server` is
 * Next's own, and the apps' extensionless relative imports (`./session`, bundler resolution) and
 * `@/` paths find their `.ts`. Call `stubNextServer()` before importing (dynamically) the app's modules.
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

const NEXT_NAVIGATION = `
export class NextRedirect extends Error {
  constructor(url) {
    super('NEXT_REDIRECT ' + url);
    this.url = url;
  }
}
export function redirect(url) {
  throw new NextRedirect(url);
}
export function forbidden() {
  throw new NextRedirect('forbidden');
}
`;
const NEXT_CACHE = 'export function revalidatePath() {}\nexport function revalidateTag() {}';

/** What a stubbed `redirect()` threw: the address the action sent the browser to. */
export function redirectedTo(error: unknown): string {
  if (error === undefined) throw new Error('the action returned without redirecting');
  if (error instanceof Error && error.message.startsWith('NEXT_REDIRECT '))
    return (error as Error & { url: string }).url;
  throw error;
}

const dataModule = (source: string) => ({
  url: `data:text/javascript,${encodeURIComponent(source)}`,
  shortCircuit: true,
  format: 'module' as const,
});

let registered = false;

/** The stubbed request: set `cookies` (e.g. the access-token cookie) and `headers` per test. */
export function stubNextServer(): NextServerState {
  globals[STATE] ??= { cookies: new Map(), headers: new Headers() };
  if (!registered) {
    registered = true;
    registerHooks({
      resolve(specifier, context, nextResolve) {
        if (specifier === 'server-only') return dataModule('export {}');
        if (specifier === 'next/headers') return dataModule(NEXT_HEADERS);
        if (specifier === 'next/navigation') return dataModule(NEXT_NAVIGATION);
        if (specifier === 'next/cache') return dataModule(NEXT_CACHE);
        if (specifier === 'next/server') return nextResolve('next/server.js', context);
        const app = context.parentURL?.match(/^(file:.*\/apps\/[^/]+\/)/)?.[1];
        if (app && specifier.startsWith('@/'))
          return nextResolve(new URL(`${specifier.slice(2)}.ts`, app).href, context);
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
