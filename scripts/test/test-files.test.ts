// A test file must not be able to pass while some of its tests never ran.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { globSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../lib/database.ts';
import { lateRegistrations, TEST_PATTERNS } from '../lib/test-files.ts';

const LATE = `import { test } from 'node:test';
test('first', () => {});
await new Promise((resolve) => setTimeout(resolve, 300));
test('second', () => {});
`;

test('no test file awaits at top level after registering a test (force-exit would skip what follows)', () => {
  const files = globSync(TEST_PATTERNS, { cwd: ROOT }).map((file) => join(ROOT, file));
  assert.ok(files.length > 50, `only ${files.length} test files found`);
  assert.deepEqual(files.flatMap(lateRegistrations), []);
});

test('why: under --test-force-exit Node passes a file whose later tests never ran; the check names it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'late-tests-'));
  try {
    const file = join(dir, 'late.test.mjs');
    writeFileSync(file, LATE);
    // A run of its own (without NODE_TEST_CONTEXT), not a subtest reporting to this runner.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => name !== 'NODE_TEST_CONTEXT'),
    );
    const run = spawnSync(process.execPath, ['--test', '--test-force-exit', '--test-reporter=tap', file], {
      encoding: 'utf8',
      env,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^# tests 1$/m, run.stdout);
    assert.deepEqual(lateRegistrations(file), [`${file}:3`]);
    writeFileSync(file, LATE.replace('await new Promise', 'const later = () => new Promise'));
    assert.deepEqual(lateRegistrations(file), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
