import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * What `node` runs for a process-list entry: its Node options and main file; in development
 * (`npm run dev`) services under `--watch`, restarted when a file they import changes (apps
 * reload themselves under `next dev`).
 */
export function launchArgs(
  entry: { main: string; app?: string; nodeOptions?: readonly string[] },
  mode: 'start' | 'dev',
): string[] {
  const options = entry.nodeOptions ?? [];
  return mode === 'dev' && !entry.app ? [...options, '--watch', entry.main] : [...options, entry.main];
}

export interface Child {
  name: string;
  process: ChildProcess;
  exited: Promise<number | null>;
}

/**
 * Starts `node <main>` (or `node <...args>`, e.g. `['--watch', main]`) in `cwd` and prefixes every
 * line it prints with its name.
 */
export function startChild(
  name: string,
  cwd: string,
  main: string | readonly string[],
  env: NodeJS.ProcessEnv,
  width: number,
): Child {
  const args = typeof main === 'string' ? [main] : [...main];
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `${name.padEnd(width)} | `;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${prefix + line}\n`));
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, process: child, exited };
}

/** SIGTERM, then SIGKILL after `graceMs`: resolves when every child has exited. */
export async function stopChildren(children: Child[], graceMs = 15_000): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.process.exitCode !== null || child.process.signalCode !== null) return;
      child.process.kill('SIGTERM');
      const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
      await child.exited;
      clearTimeout(timer);
    }),
  );
}

/** Polls `url` until it answers 2xx; rejects if `child` exits first or time runs out. */
export async function waitUntilReady(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited)
      throw new Error(`${child.name} exited before it was ready (exit code ${child.process.exitCode})`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`${child.name} was not ready at ${url} within ${timeoutMs / 1000} s`);
}
