import { type ChildProcess, execFile, fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import autocannon from 'autocannon';

/** Seconds each measurement runs; BENCH_DURATION overrides (CI runs short ones). */
export const DURATION = Number(process.env.BENCH_DURATION ?? 5);

/** One benchmark result: one JSON object per line on stdout, collected by bench/run.ts. */
export function report(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ ...result, at: new Date().toISOString() })}\n`);
}

export interface HttpResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

export async function loadHttp(
  url: string,
  options: {
    connections?: number;
    duration?: number;
    headers?: Record<string, string>;
  } = {},
): Promise<HttpResult> {
  const result = await autocannon({
    url,
    connections: options.connections ?? 20,
    duration: options.duration ?? DURATION,
    headers: options.headers ?? {},
  });
  return onlySuccesses(url, {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  });
}

/**
 * A benchmark measures answered work: an error or a non-2xx answer (a 401, a 429, a 500 that
 * came back fast) would count as throughput, so any of them fails the run.
 */
export function onlySuccesses(url: string, result: HttpResult): HttpResult {
  if (result.errors || result.non2xx)
    throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  return result;
}

/**
 * Runs `module` in a child process (so the load generator and the server do not share an
 * event loop) and resolves with its port once it sends `{ port }` over IPC.
 */
export async function serveInChild(
  module: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
) {
  const child: ChildProcess = fork(module, args, { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${module} exited with ${code} before listening`)));
  });
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export const ratio = (value: number, ceiling: number) => Math.round((value / ceiling) * 1000) / 1000;

/**
 * Latency at a steady rate (an open model): request i is due at i/rate seconds whatever the
 * server did before, and its latency counts from when it was due, so a stall is not hidden by
 * requests that were never sent (coordinated omission). autocannon's rate limit sends each
 * second's quota in a burst, which measures a saturated server, not one at this rate.
 */
export async function loadAtRate(
  url: string,
  {
    rate,
    duration = DURATION,
    connections = 20,
    headers = () => ({}),
  }: { rate: number; duration?: number; connections?: number; headers?: () => Record<string, string> },
): Promise<HttpResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const send = (due: number, requestHeaders: Record<string, string>) =>
    new Promise<void>((resolve) => {
      const req = request(url, { agent, headers: requestHeaders }, (response) => {
        if (response.statusCode! >= 300) non2xx++;
        response.resume().once('end', () => {
          latencies.push(performance.now() - due);
          resolve();
        });
      });
      req.once('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const pending: Promise<void>[] = [];
  const started = performance.now();
  const total = Math.round(rate * duration);
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(send(due, headers()));
  }
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 10) / 10;
  return onlySuccesses(url, {
    requestsPerSecond: Math.round(latencies.length / ((performance.now() - started) / 1000)),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    errors,
    non2xx,
  });
}

export type PgbenchResult = { transactionsPerSecond: number; latencyAverageMs: number } | { skipped: string };

/**
 * Runs a custom pgbench script for DURATION seconds with prepared statements, as postgres.js
 * uses them: the database's own ceiling for the same SQL, measured in the same run.
 */
export async function pgbench(script: string, url: string, clients: number): Promise<PgbenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-pgbench-'));
  try {
    const file = join(dir, 'script.sql');
    await writeFile(file, script);
    const args = ['-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(DURATION)];
    const { stdout } = await promisify(execFile)('pgbench', [...args, '-f', file, url], {
      timeout: (DURATION + 30) * 1000,
    });
    return {
      transactionsPerSecond: Math.round(Number(/tps = ([\d.]+)/.exec(stdout)?.[1])),
      latencyAverageMs: Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1]),
    };
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return {
      skipped:
        e.code === 'ENOENT'
          ? 'pgbench not installed (Debian: postgresql-client)'
          : String(e.message).split('\n')[0]!,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
