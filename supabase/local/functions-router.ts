// One Deno process serving every edge function of supabase/functions at /functions/v1/<name>,
// as Supabase's local stack and its edge-runtime "main" service do. Started by
// scripts/supabase-local.ts under `npm start`, and the entry of the edge-runtime image
// (supabase/functions/Dockerfile); both hand over the manifest and import map that
// scripts/lib/functions-manifest.ts writes (the function folders, verify_jwt from
// supabase/config.toml, each function's own deno.json imports scoped to its folder).
// EDGE_FUNCTION=<name>[,<name>…] serves only those (a district's one function per workload).
//
// Each function keeps `Deno.serve(handler)` in its index.ts, exactly as deployed on Supabase; the
// router imports that index.ts with Deno.serve standing in, so it gets the very handler (with
// the adapters index.ts wires from the environment) and serves it from its own listener.
import { createRemoteJWKSet, jwtVerify } from 'jose';

interface FunctionSpec {
  name: string;
  /** file: URL of the function's index.ts. */
  entry: string;
  /** Supabase's `verify_jwt`: a valid access token is required before the function runs. */
  verifyJwt: boolean;
}
type Handler = (request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) => Response | Promise<Response>;

const env = (name: string) => Deno.env.get(name) || undefined;
const manifestPath = env('FUNCTIONS_MANIFEST');
if (!manifestPath)
  throw new Error(
    'FUNCTIONS_MANIFEST is not set: start me through scripts/supabase-local.ts or the edge-runtime image',
  );
const manifest = JSON.parse(await Deno.readTextFile(manifestPath)) as { functions: FunctionSpec[] };
const only = env('EDGE_FUNCTION')
  ?.split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const unknown = only?.filter((name) => !manifest.functions.some((spec) => spec.name === name)) ?? [];
if (unknown.length) {
  console.error(
    `EDGE_FUNCTION names no function folder: ${unknown.join(', ')} (there are ${manifest.functions.map((spec) => spec.name).join(', ')})`,
  );
  Deno.exit(1);
}
const functions = only?.length
  ? manifest.functions.filter((spec) => only.includes(spec.name))
  : manifest.functions;

function handlerOf(args: unknown[]): Handler | undefined {
  for (const arg of args) {
    if (typeof arg === 'function') return arg as Handler;
    if (arg && typeof arg === 'object' && typeof (arg as { handler?: unknown }).handler === 'function')
      return (arg as { handler: Handler }).handler;
  }
  return undefined;
}

const handlers = new Map<string, Handler>();
/**
 * Functions that could not load, and why. One broken function (a missing secret, a bad import)
 * answers 503 on its own path while the others keep serving; /ready names it as degraded.
 */
const failed = new Map<string, string>();
const realServe = Deno.serve;
for (const spec of functions) {
  let captured: Handler | undefined;
  // Stands in for Deno.serve while the function's module loads: keeps the handler, listens nowhere.
  Deno.serve = ((...args: unknown[]) => {
    captured = handlerOf(args);
    return {
      finished: new Promise<void>(() => {}),
      addr: { transport: 'tcp', hostname: '127.0.0.1', port: 0 },
      ref() {},
      unref() {},
      shutdown: async () => {},
      [Symbol.asyncDispose]: async () => {},
    };
  }) as unknown as typeof Deno.serve;
  try {
    await import(spec.entry);
  } catch (error) {
    failed.set(spec.name, `failed to load: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    Deno.serve = realServe;
  }
  if (captured) handlers.set(spec.name, captured);
  else
    failed.set(
      spec.name,
      failed.get(spec.name) ?? 'its index.ts did not call Deno.serve(handler) while loading',
    );
}
for (const [name, reason] of failed) console.error(`edge function ${name} ${reason}`);
const specs = new Map(functions.map((spec) => [spec.name, spec]));

const authServiceUrl = env('AUTH_SERVICE_URL') ?? 'http://127.0.0.1:4001';
const jwks = createRemoteJWKSet(
  new URL(env('EDUSPRY_JWKS_URL') ?? `${authServiceUrl}/.well-known/jwks.json`),
);
const issuer = env('AUTH_ISSUER') ?? authServiceUrl;

function problem(status: number, code: string, title: string, detail: string): Response {
  return Response.json(
    { type: `https://eduspry.dev/problems/${code}`, title, status, detail },
    { status, headers: { 'content-type': 'application/problem+json' } },
  );
}

async function tokenProblem(request: Request, name: string): Promise<Response | undefined> {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '');
  if (!match)
    return problem(
      401,
      'unauthorized',
      'Unauthorized',
      `${name} has verify_jwt on: send Authorization: Bearer <token>`,
    );
  try {
    await jwtVerify(match[1]!, jwks, { issuer });
    return undefined;
  } catch (error) {
    return problem(401, 'unauthorized', 'Unauthorized', `invalid access token: ${(error as Error).message}`);
  }
}

const PREFIX = /^\/functions\/v1\/([^/?#]+)(\/.*)?$/;

// npm start: 127.0.0.1 and a free port (FUNCTIONS_ROUTER_*); the image: HOST and PORT, as every service.
const hostname = env('FUNCTIONS_ROUTER_HOST') ?? env('HOST') ?? '127.0.0.1';
const server = Deno.serve(
  {
    hostname,
    port: Number(env('FUNCTIONS_ROUTER_PORT') ?? env('PORT') ?? 0),
    onListen: ({ port }) =>
      console.log(`functions router listening on ${hostname}:${port}: ${[...handlers.keys()].join(', ')}`),
  },
  async (request, info) => {
    const url = new URL(request.url);
    // Every function loaded before the listener opened, so live is also ready.
    if (url.pathname === '/_ready' || url.pathname === '/ready')
      return Response.json({
        status: failed.size ? 'degraded' : 'ready',
        functions: [...handlers.keys()],
        ...(failed.size ? { failed: Object.fromEntries(failed) } : {}),
      });
    if (url.pathname === '/health') return Response.json({ status: 'ok', service: 'edge-runtime' });
    const match = PREFIX.exec(url.pathname);
    const name = match ? decodeURIComponent(match[1]!) : undefined;
    const handler = name ? handlers.get(name) : undefined;
    if (name && failed.has(name))
      // Why stays in the log and /ready (a missing secret is nobody else's business).
      return problem(
        503,
        'function-unavailable',
        'Function Unavailable',
        `${name} could not load; see the function server's log`,
      );
    if (!name || !handler)
      return problem(404, 'function-not-found', 'Function Not Found', `No edge function at ${url.pathname}`);
    if (specs.get(name)!.verifyJwt && request.method !== 'OPTIONS') {
      const refused = await tokenProblem(request, name);
      if (refused) return refused;
    }
    // On Supabase a function sees its own name as the first path segment (/functions/v1 is
    // the gateway's): /functions/v1/log-events/x?y → /log-events/x?y.
    const inner = new URL(`/${match![1]}${match![2] ?? ''}${url.search}`, url);
    try {
      // A fresh init rather than `new Request(inner, request)`: copying the signal would opt the
      // function into Deno's legacy abort-on-success behaviour (and its warning).
      const forwarded = new Request(inner, {
        method: request.method,
        headers: request.headers,
        body: request.body,
      });
      return await handler(forwarded, info);
    } catch (error) {
      console.error(`edge function ${name} threw: ${(error as Error).stack ?? error}`);
      return problem(500, 'function-failed', 'Function Failed', `${name} failed while answering`);
    }
  },
);

// SIGTERM (Kubernetes, compose, npm start stopping): stop accepting, finish the requests in
// flight, exit 0. The functions' own timers (e.g. the ended-sessions poll) would keep Deno alive.
Deno.addSignalListener('SIGTERM', async () => {
  await server.shutdown();
  Deno.exit(0);
});
