// The edge functions' own suites run on the real Deno binary (the `deno` npm package), offline:
// `--cached-only` forbids any download and a fresh DENO_DIR proves nothing cached is relied on;
// npm: imports resolve from the repository's node_modules (deno.json nodeModulesDir "manual").
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { denoExecutable } from '../lib/deno.ts';

const FUNCTIONS = new URL('../../supabase/functions/', import.meta.url).pathname;
// Every function folder (those starting with `_` hold shared code, as on Supabase).
const functions = existsSync(FUNCTIONS)
  ? readdirSync(FUNCTIONS, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_'))
      .map((entry) => entry.name)
  : [];
const hasTests = (name: string) =>
  readdirSync(join(FUNCTIONS, name), { recursive: true, encoding: 'utf8' }).some((file) =>
    file.endsWith('.test.ts'),
  );
const withTests = functions.filter(hasTests);

// Zero tests found must fail, not pass silently: a moved folder or a renamed test file would
// otherwise turn this whole runner into a green no-op.
test('every edge function has deno tests for this runner to run', () => {
  assert.ok(functions.length > 0, `no edge function folders in ${FUNCTIONS}`);
  assert.deepEqual(
    functions.filter((name) => !hasTests(name)),
    [],
    'edge functions without a *.test.ts',
  );
});

for (const name of withTests) {
  test(`edge function ${name}: deno test passes offline`, () => {
    const denoDir = mkdtempSync(join(tmpdir(), 'eduspry-deno-'));
    try {
      const result = spawnSync(
        denoExecutable(),
        ['test', '--cached-only', '--no-prompt', '--allow-net=127.0.0.1', '--allow-env', '--allow-read'],
        {
          cwd: join(FUNCTIONS, name),
          env: { ...process.env, DENO_DIR: denoDir, NO_COLOR: '1' },
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
      const output = `${result.stdout}\n${result.stderr}`;
      assert.equal(result.status, 0, output);
      const summary = /ok \| (\d+) passed \| (\d+) failed/.exec(output);
      assert.ok(summary, `no deno test summary in:\n${output}`);
      assert.ok(Number(summary[1]) > 0, 'deno ran at least one test');
      assert.equal(summary[2], '0');
    } finally {
      rmSync(denoDir, { recursive: true, force: true });
    }
  });
}
