// The Next.js apps of the process list (`app: 'next'` in packages/common/src/platform.ts):
// `npm start` serves their production build with `next start`, building first when the build
// is missing or older than the app's sources; `npm run dev` runs `next dev` instead.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';

export type RunMode = 'start' | 'dev';

/** The mode a launched process runs in, handed down by `npm start` / `npm run dev`. */
export const RUN_MODE_VARIABLE = 'EDUSPRY_RUN_MODE';

/** Next's output folder (next.config reads the same variable; the startup test uses a fresh one). */
export function distDirOf(env: NodeJS.ProcessEnv = process.env): string {
  return env.NEXT_DIST_DIR || '.next';
}

// Not sources of the build: generated or run-time folders, tests, docs, and `next-env.d.ts`,
// which every build and `next dev` rewrites.
const IGNORED_NAMES = new Set(['node_modules', 'test', 'next-env.d.ts']);
const ignored = (name: string) =>
  name.startsWith('.') || IGNORED_NAMES.has(name) || name.endsWith('.md') || name.endsWith('.tsbuildinfo');

async function newestFile(dir: string): Promise<{ path: string; mtimeMs: number }> {
  let newest = { path: dir, mtimeMs: 0 };
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (ignored(entry.name)) continue;
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory()
      ? await newestFile(path)
      : entry.isFile()
        ? { path, mtimeMs: (await stat(path)).mtimeMs }
        : newest;
    if (candidate.mtimeMs > newest.mtimeMs) newest = candidate;
  }
  return newest;
}

/**
 * The folders whose files the build reads: the app itself and every workspace package it
 * depends on (packages/ui-components, packages/contracts, …), transitively.
 */
export async function sourceFolders(appDir: string): Promise<string[]> {
  const folders: string[] = [];
  const visit = async (dir: string) => {
    if (folders.includes(dir)) return;
    folders.push(dir);
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    const require = createRequire(join(dir, 'package.json'));
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      const linked = (require.resolve.paths(name) ?? [])
        .map((folder) => join(folder, name))
        .find((path) => existsSync(path));
      if (!linked) continue;
      const resolved = await realpath(linked);
      // A workspace package is linked from node_modules to its own folder in the repository.
      if (!resolved.includes('/node_modules/') && existsSync(join(resolved, 'package.json')))
        await visit(resolved);
    }
  };
  await visit(await realpath(appDir));
  return folders;
}

interface BuildStamp {
  /** When the build began: a source saved after that is not in it. */
  startedAt: number;
}

/** Why `appDir` needs a build, or undefined when its build is newer than all of its sources. */
export async function whyBuild(
  appDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const dist = join(appDir, distDirOf(env));
  const buildId = join(dist, 'BUILD_ID');
  if (!existsSync(buildId)) return `no production build in ${distDirOf(env)}/ yet`;
  const stampFile = join(dist, 'eduspry-build.json');
  const builtAt = existsSync(stampFile)
    ? (JSON.parse(await readFile(stampFile, 'utf8')) as BuildStamp).startedAt
    : (await stat(buildId)).mtimeMs; // built by `next build` directly (CI's `npm run build`)
  let newest = { path: appDir, mtimeMs: 0 };
  for (const folder of await sourceFolders(appDir)) {
    const candidate = await newestFile(folder);
    if (candidate.mtimeMs > newest.mtimeMs) newest = candidate;
  }
  if (newest.mtimeMs > builtAt) return `${relative(appDir, newest.path)} changed since the last build`;
  return undefined;
}

function nextBin(appDir: string): string {
  return createRequire(join(appDir, 'package.json')).resolve('next/dist/bin/next');
}

/** Environment Next runs in, for `next build`, `next start` and `next dev` alike. */
export function nextEnv(mode: RunMode | 'build', host: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...env,
    NEXT_TELEMETRY_DISABLED: '1',
    NODE_ENV: mode === 'dev' ? 'development' : 'production',
    // Session cookies are `Secure` in production; on a loopback address there is no TLS.
    ...(/^(127\.|localhost$|::1$)/.test(host) ? { WEB_APP_INSECURE_COOKIES: '1' } : {}),
  };
}

/**
 * Builds `appDir` when its build is missing or stale (once: concurrent callers wait for the
 * build in progress and reuse it), printing the build's progress through `say`.
 * Resolves to whether it built.
 */
export async function buildIfStale(
  appDir: string,
  say: (line: string) => void,
  options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {},
): Promise<boolean> {
  const env = options.env ?? process.env;
  const lock = join(appDir, `${distDirOf(env)}.build-lock`);
  await takeLock(lock, options.signal);
  try {
    const reason = await whyBuild(appDir, env);
    if (!reason) {
      say('production build is up to date');
      return false;
    }
    say(`building for production (${reason})…`);
    const startedAt = Date.now();
    const child = spawn(process.execPath, [nextBin(appDir), 'build'], {
      cwd: appDir,
      // The app's types are checked by `npm run build` (CI runs it), not on every start.
      env: { ...nextEnv('build', '127.0.0.1', env), NEXT_SKIP_TYPECHECK: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const code = await prefixed(child, say);
    if (code !== 0)
      throw new Error(
        `next build of ${relative(process.cwd(), appDir) || appDir} failed (exit code ${code})`,
      );
    await writeFile(
      join(appDir, distDirOf(env), 'eduspry-build.json'),
      JSON.stringify({ startedAt } satisfies BuildStamp),
    );
    say(`built in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    return true;
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

function prefixed(child: ChildProcess, say: (line: string) => void): Promise<number | null> {
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => line.trim() && say(line));
  }
  return new Promise((resolve) => {
    child.once('error', () => resolve(null));
    child.once('exit', (code) => resolve(code));
  });
}

/** A lock folder holding its owner's pid; a dead owner's lock is taken over. */
async function takeLock(lock: string, signal?: AbortSignal): Promise<void> {
  for (;;) {
    signal?.throwIfAborted();
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'pid'), String(process.pid));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => '0'));
    if (owner && !isAlive(owner)) await rm(lock, { recursive: true, force: true });
    else await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `node <next> start|dev --port … --hostname …` in `appDir`, with its output through `say`. */
export function spawnNext(
  appDir: string,
  mode: RunMode,
  options: { port: string; host: string; env?: NodeJS.ProcessEnv; stdio?: 'inherit' | 'pipe' },
): ChildProcess {
  return spawn(
    process.execPath,
    [nextBin(appDir), mode, '--port', options.port, '--hostname', options.host],
    {
      cwd: appDir,
      env: nextEnv(mode, options.host, options.env ?? process.env),
      stdio: options.stdio === 'pipe' ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    },
  );
}
