import { flushCompileCache } from 'node:module';
import closeWithGrace from 'close-with-grace';
import type { ServiceApp } from './app.ts';
import { ConfigError } from './config.ts';
import { activeTelemetry } from './telemetry.ts';

export interface RunningService {
  app: ServiceApp;
  /** Releases what the service holds (pools, consumers) after the server stopped accepting. */
  close?: () => Promise<void>;
}

export interface RunOptions {
  name: string;
  host: string;
  port: number;
  /** How long in-flight requests get to finish on SIGTERM before the process exits anyway. */
  shutdownGraceMs?: number;
}

/**
 * Starts a service and owns its lifecycle: listen, then on SIGTERM/SIGINT stop accepting,
 * let in-flight requests finish, close pools and exit. A problem the operator can fix
 * (bad config, port taken, database unreachable) ends the process with one line naming it.
 */
export async function runService(
  options: () => RunOptions,
  start: () => Promise<RunningService>,
): Promise<void> {
  // An image build fills Node's compile cache by loading the service's modules, then stops here,
  // before reading any configuration or opening a connection.
  if (process.env.EDUSPRY_COMPILE_CACHE_ONLY) {
    flushCompileCache();
    process.exit(0);
  }
  let running: RunningService;
  let run: RunOptions;
  try {
    run = options();
    running = await start();
    await running.app.listen({ host: run.host, port: run.port });
  } catch (error) {
    fail(error);
  }
  closeWithGrace({ delay: run.shutdownGraceMs ?? 10_000 }, async ({ err, signal }) => {
    if (err) running.app.log.error({ err }, 'fatal error, shutting down');
    else running.app.log.info({ signal }, 'shutting down');
    // close() waits for every connection, and a keep-alive client (the gateway's pool, a
    // browser) keeps its connection open after its last response. Connections are closed as
    // soon as they are idle, so in-flight requests finish and nothing else holds the exit.
    const sweep = setInterval(() => running.app.server.closeIdleConnections(), 50);
    await running.app.close().finally(() => clearInterval(sweep));
    await running.close?.();
    await activeTelemetry()?.shutdown();
  });
}

/** Prints one line naming the cause and exits non-zero; never a stack trace for operator errors. */
export function fail(error: unknown): never {
  process.stderr.write(`${describeStartupError(error)}\n`);
  process.exit(1);
}

export function describeStartupError(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string };
  if (error instanceof ConfigError) return error.message;
  if (e?.code === 'EADDRINUSE') return `cannot listen: port ${e.port} on ${e.address} is already in use`;
  if (e?.code === 'EACCES') return `cannot listen: permission denied for port ${e.port}`;
  if (e?.code === 'ENOTFOUND') return `cannot reach database: host ${e.hostname} not found`;
  if (e?.code === 'ECONNREFUSED')
    return `cannot reach database: connection refused at ${e.address}:${e.port}`;
  if (e?.code === 'CONNECT_TIMEOUT') return `cannot reach database: connection timed out (${e.message})`;
  return `startup failed: ${e?.message ?? String(error)}`;
}
