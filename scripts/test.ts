// `npm test`: every workspace's tests against a real PostgreSQL — DATABASE_URL when set,
// otherwise an embedded one started (and deleted) here. Each run gets a fresh database.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStartupError, envPrefix } from '@eduspry/common';
import {
  createDatabaseIfMissing,
  dropDatabase,
  type EmbeddedCluster,
  freePort,
  migrateDatabase,
  provisionServiceRoles,
  ROOT,
  startEmbeddedPostgres,
  withDatabase,
} from './lib/database.ts';

const DEFAULT_PATTERNS = [
  'packages/*/test/**/*.test.ts',
  'services/*/test/**/*.test.ts',
  'scripts/test/**/*.test.ts',
];
const patterns = process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT_PATTERNS;

let cluster: EmbeddedCluster | undefined;
let tempDir: string | undefined;
let adminUrl = process.env.DATABASE_URL;
const database = `eduspry_test_${Date.now()}_${process.pid}`;
let exitCode = 1;

try {
  if (!adminUrl) {
    tempDir = await mkdtemp(join(tmpdir(), 'eduspry-test-pg-'));
    cluster = await startEmbeddedPostgres(tempDir, await freePort(), false);
    adminUrl = cluster.url;
    console.log(
      `tests use an embedded PostgreSQL (${new URL(adminUrl).host}); set DATABASE_URL to use another`,
    );
  } else {
    console.log(`tests use PostgreSQL at ${new URL(adminUrl).host} (DATABASE_URL), database ${database}`);
  }
  await createDatabaseIfMissing(adminUrl, database);
  const url = withDatabase(adminUrl, database);
  await migrateDatabase(url);
  const { urls } = await provisionServiceRoles(url);
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', DATABASE_URL: url };
  for (const [service, serviceUrl] of Object.entries(urls))
    env[`${envPrefix(service)}_DATABASE_URL`] = serviceUrl;
  if (!env.KAFKA_BROKERS)
    console.log('KAFKA_BROKERS is not set: tests that need Kafka will be skipped (npm run kafka:start)');

  const concurrency = process.env.TEST_CONCURRENCY ?? '2';
  exitCode = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...patterns], {
      cwd: ROOT,
      env,
      stdio: 'inherit',
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
} catch (error) {
  console.error(`npm test could not prepare the database: ${describeStartupError(error)}`);
} finally {
  if (adminUrl) await dropDatabase(adminUrl, database).catch(() => {});
  await cluster?.stop();
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
}
process.exit(exitCode);
