// The local Supabase-shaped entry (127.0.0.1:54321 under `npm start`), so supabase-js and
// @supabase/realtime-js work unmodified against the self-hosted platform:
//   /functions/v1/<name>  every edge function of supabase/functions (one Deno process,
//                         supabase/local/functions-router.ts), verify_jwt from supabase/config.toml
//   /realtime/v1/*        realtime-service (REALTIME_SERVICE_URL), HTTP and WebSocket upgrades,
//                         path unchanged; a 502 problem when it is not there
//   /health, /ready       as on every service; ready once the function server is
// Folders of supabase/functions starting with `_` are shared code, not functions (as on Supabase).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HttpProblem } from '@eduspry/common/problem';
import { createProxyServer } from 'http-proxy-3';
import { denoExecutable } from './lib/deno.ts';
import { writeFunctionsManifest } from './lib/functions-manifest.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const SUPABASE_DIR = process.env.SUPABASE_DIR || join(ROOT, 'supabase');
const FUNCTIONS_DIR = join(SUPABASE_DIR, 'functions');
const ROUTER = join(ROOT, 'supabase/local/functions-router.ts');
const port = Number(process.env.PORT ?? 54321);
const host = process.env.HOST ?? '127.0.0.1';
const realtimeUrl = process.env.REALTIME_SERVICE_URL || 'http://127.0.0.1:4008';

const say = (line: string) => process.stdout.write(`${line}\n`);
const work = await mkdtemp(join(tmpdir(), 'eduspry-functions-'));
// The same manifest and import map the edge-runtime image builds (scripts/lib/functions-manifest.ts).
const { functions, manifestFile, importMapFile } = await writeFunctionsManifest(SUPABASE_DIR, work);

// The `deno` npm package's binary (spawned itself, so stopping it stops Deno), offline: npm: imports come from the repository's node_modules.
const deno: ChildProcess = spawn(
  denoExecutable(),
  [
    'run',
    '--cached-only',
    '--no-prompt',
    '--no-config',
    '--node-modules-dir=manual',
    `--import-map=${importMapFile}`,
    '--allow-net',
    '--allow-env',
    '--allow-read',
    '--allow-sys',
    // `npm run dev`: the function server restarts when a function's file changes.
    ...(process.env.EDUSPRY_RUN_MODE === 'dev' ? [`--watch=${FUNCTIONS_DIR}`] : []),
    ROUTER,
  ],
  {
    cwd: ROOT,
    env: {
      ...process.env,
      FUNCTIONS_MANIFEST: manifestFile,
      FUNCTIONS_ROUTER_HOST: '127.0.0.1',
      FUNCTIONS_ROUTER_PORT: '0',
      // Every function, whatever a one-function EDGE_FUNCTION of the environment says.
      EDGE_FUNCTION: '',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
let routerUrl: string | undefined;
createInterface({ input: deno.stdout! }).on('line', (line) => {
  const listening = /^functions router listening on (127\.0\.0\.1:\d+)/.exec(line);
  if (listening) routerUrl = `http://${listening[1]}`;
  say(`functions | ${line}`);
});
createInterface({ input: deno.stderr! }).on('line', (line) => say(`functions | ${line}`));
// However this process ends (a crash included), Deno does not outlive it.
process.once('exit', () => deno.kill('SIGTERM'));
let stopping = false;
deno.once('exit', async (code, signal) => {
  if (stopping) return;
  process.stderr.write(`the edge function server exited (${signal ?? `code ${code}`})\n`);
  await rm(work, { recursive: true, force: true });
  process.exit(1);
});

const pathOf = (request: IncomingMessage) => (request.url ?? '/').split('?')[0]!;

// Every outbound call has a timeout: 5 s to connect (a 502 problem after it), 60 s for an answer.
const proxy = createProxyServer({ xfwd: true, connectTimeout: 5_000, proxyTimeout: 60_000 });
// Errors no per-call callback sees, such as a browser's WebSocket reset when its tab closes:
// without a listener http-proxy-3 throws them, and one closed tab would stop this entry.
proxy.on('error', (error, request, target) => {
  if (!(target instanceof ServerResponse)) return void target?.destroy();
  const problem = new HttpProblem(502, 'upstream-failed', 'Upstream Failed', error.message);
  sendProblem(target, problem, pathOf(request));
});

function sendProblem(response: ServerResponse, problem: HttpProblem, instance?: string) {
  if (response.headersSent) return void response.destroy();
  response.writeHead(problem.status, { 'content-type': 'application/problem+json' });
  response.end(JSON.stringify(problem.toDocument(instance)));
}

function realtimeUnavailable(error: Error): HttpProblem {
  return new HttpProblem(
    502,
    'realtime-unavailable',
    'Realtime Unavailable',
    `realtime-service does not answer at ${realtimeUrl} (${(error as NodeJS.ErrnoException).code ?? error.message})`,
  );
}

function functionsUnavailable(): HttpProblem {
  return new HttpProblem(
    503,
    'functions-unavailable',
    'Functions Unavailable',
    'the edge function server is starting',
  );
}

const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
  const path = pathOf(request);
  if (path === '/health')
    return void response.end(JSON.stringify({ status: 'ok', service: 'supabase-local' }));
  if (path === '/ready') {
    let state = 'failing: starting';
    if (routerUrl) {
      // A function that failed to load answers 503 itself; the others serve, so the entry is ready.
      state = await fetch(`${routerUrl}/_ready`, { signal: AbortSignal.timeout(2000) })
        .then(async (answer) => {
          if (!answer.ok) return `failing: ${answer.status}`;
          const { failed } = (await answer.json()) as { failed?: Record<string, string> };
          return failed ? `ok, but unavailable: ${Object.keys(failed).join(', ')}` : 'ok';
        })
        .catch((error: Error) => `failing: ${error.message}`);
    }
    const ready = state.startsWith('ok');
    response.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
    return void response.end(
      JSON.stringify({
        status: ready ? 'ready' : 'not-ready',
        service: 'supabase-local',
        checks: { functions: state },
      }),
    );
  }
  if (path.startsWith('/functions/v1/')) {
    if (!routerUrl) return sendProblem(response, functionsUnavailable(), path);
    return proxy.web(request, response, { target: routerUrl }, () =>
      sendProblem(response, functionsUnavailable(), path),
    );
  }
  if (path === '/realtime/v1' || path.startsWith('/realtime/v1/'))
    return proxy.web(request, response, { target: realtimeUrl }, (error) =>
      sendProblem(response, realtimeUnavailable(error), path),
    );
  sendProblem(
    response,
    new HttpProblem(404, 'not-found', 'Not Found', `No route ${request.method} ${path}`),
    path,
  );
});

/** A refused upgrade still gets an HTTP answer (problem+json) before the socket closes. */
function refuseUpgrade(socket: Socket, problem: HttpProblem) {
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify(problem.toDocument());
  socket.end(
    `HTTP/1.1 ${problem.status} ${problem.title}\r\ncontent-type: application/problem+json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
  socket.on('error', () => socket.destroy());
  const path = pathOf(request);
  if (path.startsWith('/realtime/v1/'))
    return proxy.ws(request, socket, head, { target: realtimeUrl }, (error) =>
      refuseUpgrade(socket, realtimeUnavailable(error)),
    );
  if (path.startsWith('/functions/v1/') && routerUrl)
    return proxy.ws(request, socket, head, { target: routerUrl }, () =>
      refuseUpgrade(socket, functionsUnavailable()),
    );
  refuseUpgrade(socket, new HttpProblem(404, 'not-found', 'Not Found', `No WebSocket at ${path}`));
});

server.once('error', (error: NodeJS.ErrnoException) => {
  process.stderr.write(
    error.code === 'EADDRINUSE' ? `port ${port} is already in use\n` : `cannot listen: ${error.message}\n`,
  );
  stopping = true;
  deno.kill('SIGTERM');
  process.exit(1);
});
server.listen(port, host, () =>
  say(
    `Supabase-shaped entry on http://${host}:${port}: /functions/v1/{${functions.map((fn) => fn.name).join(',')}}, /realtime/v1/ → ${realtimeUrl}`,
  ),
);

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, async () => {
    stopping = true;
    deno.kill('SIGTERM');
    server.close();
    server.closeAllConnections();
    await new Promise((resolve) =>
      deno.exitCode === null && deno.signalCode === null ? deno.once('exit', resolve) : resolve(null),
    );
    await rm(work, { recursive: true, force: true });
    process.exit(0);
  });
