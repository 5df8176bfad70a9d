import { type ChildProcess, fork } from 'node:child_process';
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
    overallRate?: number;
  } = {},
): Promise<HttpResult> {
  const result = await autocannon({
    url,
    connections: options.connections ?? 20,
    duration: options.duration ?? DURATION,
    headers: options.headers ?? {},
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
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
