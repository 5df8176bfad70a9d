// A service of PLATFORM run as its image runs it, `node <nodeOptions> <main>` from a warmed
// compile cache, configured by its environment alone, in its own process: what a benchmark
// measures of it (memory above all) is the process that ships. The keys it verifies tokens with
// come from a JWKS endpoint the benchmark serves, as auth-service's would be.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/lib/database.ts';
import { PLATFORM } from '../../scripts/lib/platform.ts';
import { freePort } from '../../scripts/lib/platform-processes.ts';
import { launchArgs, startChild, stopChildren, waitUntilReady } from '../../scripts/lib/processes.ts';

export async function startPlatformService(name: string, env: NodeJS.ProcessEnv) {
  const entry = PLATFORM.find((process) => process.name === name);
  if (!entry) throw new Error(`${name} is not in PLATFORM`);
  // As its image does (infrastructure/images/templates/service.Dockerfile): Node's compile cache
  // filled by loading the service's modules first, then the service started from it.
  const compileCache = await mkdtemp(join(tmpdir(), 'eduspry-compile-cache-'));
  execFileSync(process.execPath, launchArgs(entry, 'start'), {
    cwd: join(ROOT, entry.dir),
    env: { ...env, NODE_COMPILE_CACHE: compileCache, EDUSPRY_COMPILE_CACHE_ONLY: '1' },
    stdio: 'inherit',
  });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = startChild(
    name,
    join(ROOT, entry.dir),
    launchArgs(entry, 'start'),
    { ...env, HOST: '127.0.0.1', PORT: String(port), NODE_COMPILE_CACHE: compileCache },
    name.length,
  );
  await waitUntilReady(`${url}/ready`, child, 60_000);
  return {
    url,
    /**
     * The kernel's figures for the process (/proc/<pid>/status): resident now, split into
     * anonymous memory (heaps) and file-backed pages (mostly the node binary's code, shared by
     * every Node process on the machine), and the resident high-water mark since it started.
     */
    memory() {
      const status = readFileSync(`/proc/${child.process.pid}/status`, 'utf8');
      const kB = (field: string) =>
        Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
      return { rss: kB('VmRSS'), anon: kB('RssAnon'), file: kB('RssFile'), peak: kB('VmHWM') };
    },
    async stop() {
      await stopChildren([child]);
      await rm(compileCache, { recursive: true, force: true });
    },
  };
}

/** Serves `jwks` at `<url>/.well-known/jwks.json` until `close()`. */
export async function serveJwks(jwks: unknown) {
  const body = JSON.stringify(jwks);
  const server = createServer((_request, response) =>
    response.writeHead(200, { 'content-type': 'application/json' }).end(body),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    jwksUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}/.well-known/jwks.json`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
