// Every service of the PLATFORM process list (those with a database role in this run, and those
// needing none) and (optionally) the web app as separate processes on free ports, against the
// database `npm test` / `npm run bench` prepared: what browser tests, the fuzz suite and
// benchmarks run against. Each process is the same entry `npm start` runs; a service added to
// PLATFORM is started here the day it lands.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envPrefix } from '@eduspry/common';
import { ROOT } from './database.ts';
import { buildIfStale } from './next-apps.ts';
import { PLATFORM, type PlatformProcess } from './platform.ts';
import { type Child, launchArgs, startChild, stopChildren, waitUntilReady } from './processes.ts';

export interface PlatformProcesses {
  authUrl: string;
  courseUrl: string;
  gatewayUrl: string;
  webUrl?: string;
  adminUrl?: string;
  /** logging-service and the Supabase-shaped entry (edge functions at /functions/v1/<name>). */
  loggingUrl: string;
  supabaseUrl: string;
  /** Base URL of every started process, by name. */
  urls: Record<string, string>;
  /** The PLATFORM entries started, in list order. */
  started: PlatformProcess[];
  stop(): Promise<void>;
}

/** A port held (bound) until `release()`, so nothing else can be given it. */
interface PortReservation {
  port: number;
  release(): Promise<void>;
}

/**
 * Platform ports come from below the kernel's ephemeral range (32768-60999 on Linux), from a
 * block of 100 of this test process's own. A port is released a moment before its process binds
 * it; taken from the ephemeral range, the kernel could hand it meanwhile to anything else asking
 * for port 0 (two test files starting platforms at once lost that race: "port already in use").
 */
const BLOCK = 100;
const blockStart = 10_000 + (process.pid % 220) * BLOCK;
let nextInBlock = 0;

function listenOn(port: number): Promise<PortReservation | undefined> {
  return new Promise((resolve, reject) => {
    // A process started earlier is told this port's URL and may connect before its owner runs
    // (a gRPC channel, a health probe): such a connection is refused at once. Kept open, it
    // would hold `close()` forever, and the platform's start with it.
    const server = createServer((socket) => socket.destroy());
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' && port !== 0 ? resolve(undefined) : reject(error),
    );
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as { port: number }).port;
      let released: Promise<void> | undefined;
      resolve({
        port: bound,
        release: () => (released ??= new Promise((done) => server.close(() => done()))),
      });
    });
  });
}

async function reservePort(): Promise<PortReservation> {
  for (let tries = 0; tries < BLOCK; tries++) {
    const reserved = await listenOn(blockStart + (nextInBlock++ % BLOCK));
    if (reserved) return reserved;
  }
  // The whole block taken (by what?): the kernel's choice, as before.
  return (await listenOn(0))!;
}

export async function freePort(): Promise<number> {
  const reservation = await reservePort();
  await reservation.release();
  return reservation.port;
}

const databaseVariable = (name: string) => `${envPrefix(name)}_DATABASE_URL`;

export async function startPlatformProcesses(
  options: { webApp?: boolean; adminPortal?: boolean; env?: NodeJS.ProcessEnv; quiet?: boolean } = {},
): Promise<PlatformProcesses> {
  const entries = PLATFORM.filter((entry) => {
    if (entry.dir.startsWith('apps/'))
      return (
        (entry.name === 'web-app' && options.webApp === true) ||
        (entry.name === 'admin-portal' && options.adminPortal === true)
      );
    if (!entry.database) return true;
    if (process.env[databaseVariable(entry.name)]) return true;
    // A service whose role the migrations do not create yet cannot run against this database.
    if (['auth-service', 'course-service', 'api-gateway'].includes(entry.name))
      throw new Error(
        `${databaseVariable(entry.name)} is not set: run through \`npm test\` or \`npm run bench\``,
      );
    return false;
  });
  // Every port is chosen up front (each process is told all the others' URLs) and held until
  // its own process is about to bind it: released early, a port could be handed to another test
  // file's platform starting meanwhile, whose process would then answer this one's readiness probe.
  const reservations = new Map<string, PortReservation[]>();
  const ports = new Map<string, { port: number; grpcPort?: number }>();
  for (const entry of entries) {
    const held = [await reservePort(), ...(entry.grpcPort ? [await reservePort()] : [])];
    reservations.set(entry.name, held);
    ports.set(entry.name, {
      port: held[0]!.port,
      ...(held[1] ? { grpcPort: held[1].port } : {}),
    });
  }
  const release = (names: string[]) =>
    Promise.all(names.flatMap((name) => reservations.get(name) ?? []).map((held) => held.release()));
  const urls = Object.fromEntries(
    entries.map((entry) => [entry.name, `http://127.0.0.1:${ports.get(entry.name)!.port}`]),
  );
  const mailDir = await mkdtemp(join(tmpdir(), 'eduspry-mail-'));
  const shared: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: options.quiet === false ? 'info' : 'warn',
    ...Object.fromEntries(entries.map((entry) => [`${envPrefix(entry.name)}_URL`, urls[entry.name]])),
    AUTH_ISSUER: urls['auth-service'],
    AUTH_RATE_LIMIT_PER_MINUTE: '1000',
    MAIL_OUTBOX_DIR: mailDir,
    // As `npm start`: the web app, on loopback, is the gateway's trusted proxy for browsers.
    ...(options.webApp || options.adminPortal ? { GATEWAY_TRUSTED_PROXIES: 'loopback' } : {}),
    // One value per secret name, as `npm start` generates them once per machine: the same for
    // every platform of this test run (they share its database, so keys sealed under
    // AUTH_KEY_ENCRYPTION_SECRET by one are read by the next), shared by the processes that
    // need it (REALTIME_SERVICE_KEY).
    ...Object.fromEntries(
      entries
        .flatMap((entry) => entry.secrets ?? [])
        // Not the key encryption secret: the in-process auth tests share this database without
        // one, and keys sealed under it would be unreadable to them (production paths are
        // tested with it, on a database of their own).
        .filter((name) => name !== 'AUTH_KEY_ENCRYPTION_SECRET')
        .map((name) => [
          name,
          process.env[name] ??
            createHash('sha256').update(`${name} ${process.env.DATABASE_URL}`).digest('base64url'),
        ]),
    ),
    ...options.env,
  };
  for (const entry of entries) {
    const { grpcPort } = ports.get(entry.name)!;
    if (grpcPort) shared[`${envPrefix(entry.name)}_GRPC_PORT`] = String(grpcPort);
  }
  const children: Child[] = [];
  const stop = async () => {
    await release([...reservations.keys()]);
    await stopChildren(children, 5000);
    await rm(mailDir, { recursive: true, force: true });
  };
  try {
    // As `npm start` does: a missing or stale production build is built first.
    if (options.webApp)
      await buildIfStale(join(ROOT, 'apps/web-app'), (line) => console.log(`web-app build | ${line}`));
    if (options.adminPortal)
      await buildIfStale(join(ROOT, 'apps/admin-portal'), (line) =>
        console.log(`admin-portal build | ${line}`),
      );
    for (const entry of entries) {
      const { port, grpcPort } = ports.get(entry.name)!;
      const env: NodeJS.ProcessEnv = {
        ...shared,
        PORT: String(port),
        ...(grpcPort ? { GRPC_PORT: String(grpcPort) } : {}),
        ...(entry.database ? { DATABASE_URL: process.env[databaseVariable(entry.name)] } : {}),
        ...(entry.app ? { EDUSPRY_RUN_MODE: 'start' } : {}),
      };
      await release([entry.name]);
      const child = startChild(entry.name, join(ROOT, entry.dir), launchArgs(entry, 'start'), env, 16);
      children.push(child);
      await waitUntilReady(`${urls[entry.name]}${entry.readyPath ?? '/ready'}`, child, 60_000);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    authUrl: urls['auth-service']!,
    courseUrl: urls['course-service']!,
    gatewayUrl: urls['api-gateway']!,
    loggingUrl: urls['logging-service']!,
    supabaseUrl: urls['supabase-local']!,
    ...(options.webApp ? { webUrl: urls['web-app'] } : {}),
    ...(options.adminPortal ? { adminUrl: urls['admin-portal'] } : {}),
    urls,
    started: entries,
    stop,
  };
}
