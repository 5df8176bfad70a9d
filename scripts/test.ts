// `npm test`: every workspace's tests against a real PostgreSQL — DATABASE_URL when set,
// otherwise an embedded one started (and deleted) here. Each run gets a fresh database.
import { spawn } from 'node:child_process';
import { globSync } from 'node:fs';
import { describeStartupError } from '@eduspry/common';
import { type FreshDatabase, prepareFreshDatabase, ROOT } from './lib/database.ts';
import { TEST_PATTERNS } from './lib/test-files.ts';

const patterns = process.argv.slice(2).length ? process.argv.slice(2) : TEST_PATTERNS;
/**
 * Files that time what a user waits for (cold first visits of every page, the 60 s startup
 * budget). They run after the others, one at a time, so another file's load on this 2-core
 * machine is not what they measure.
 */
const TIMED = [
  'apps/web-app/test/browser.test.ts',
  'apps/admin-portal/test/browser.test.ts',
  'scripts/test/startup.test.ts',
];
const files = globSync(patterns, { cwd: ROOT }).sort();
const rounds = [
  { files: files.filter((file) => !TIMED.includes(file)), concurrency: process.env.TEST_CONCURRENCY ?? '2' },
  { files: files.filter((file) => TIMED.includes(file)), concurrency: '1' },
].filter((round) => round.files.length);

let database: FreshDatabase | undefined;
let exitCode = 1;
try {
  database = await prepareFreshDatabase('test', process.env.DATABASE_URL || undefined);
  console.log(
    `tests use ${database.description}${process.env.DATABASE_URL ? '' : '; set DATABASE_URL to use another'}`,
  );
  if (!process.env.KAFKA_BROKERS) {
    console.log(
      'KAFKA_BROKERS is not set: tests that need Kafka are skipped (npm run kafka:start to run them)',
    );
  }
  const env = { ...process.env, NODE_ENV: 'test', ...database.env };
  // A test that hangs fails by name after TEST_TIMEOUT_MS instead of holding the run (and CI's
  // time budget) until something outside kills it; a file whose tests are done exits even if a
  // handle leaked, so one leak cannot stall the files queued behind it.
  const timeout = process.env.TEST_TIMEOUT_MS ?? String(10 * 60_000);
  exitCode = files.length ? 0 : 1;
  if (!files.length) console.error(`no test file matches ${patterns.join(' ')}`);
  for (const round of rounds) {
    const args = [
      '--test',
      `--test-concurrency=${round.concurrency}`,
      `--test-timeout=${timeout}`,
      '--test-force-exit',
      // TEST_NAME_PATTERN runs only the tests whose names match (one browser test of a long file).
      ...(process.env.TEST_NAME_PATTERN ? [`--test-name-pattern=${process.env.TEST_NAME_PATTERN}`] : []),
    ];
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, [...args, ...round.files], { cwd: ROOT, env, stdio: 'inherit' });
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
    exitCode ||= code;
  }
} catch (error) {
  console.error(`npm test could not prepare the database: ${describeStartupError(error)}`);
} finally {
  await database?.dispose();
}
process.exit(exitCode);
