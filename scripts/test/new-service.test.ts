// The scaffold makes a service that typechecks, passes its own behaviour tests against real
// PostgreSQL (its migration applied, its role logging in) and keeps the house shape. It is
// generated into a temporary folder and its schema and role are removed afterwards.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { envPrefix } from '@eduspry/common';
import { adminDb } from '@eduspry/common/testing';
import { shapeViolations } from '../lib/service-shape.ts';
import { createService, serviceName, withPlatformEntry } from '../new-service.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

test('service names are kebab-case and end in -service', () => {
  assert.deepEqual(serviceName('content'), { name: 'content-service', schema: 'content' });
  assert.deepEqual(serviceName('learning-path-service'), {
    name: 'learning-path-service',
    schema: 'learning_path',
  });
  assert.throws(() => serviceName('Content'), /kebab-case/);
  assert.throws(() => serviceName('../evil'), /kebab-case/);
  const platform = readFileSync(join(ROOT, 'scripts/lib/platform.ts'), 'utf8');
  assert.throws(
    () => withPlatformEntry(platform, { name: 'auth-service', schema: 'auth', port: 1, migration: '' }),
    /already/,
  );
});

test('npm run new:service makes a service that typechecks, keeps the shape and passes its tests on real Postgres', async () => {
  const root = mkdtempSync(join(tmpdir(), 'eduspry-scaffold-'));
  const stem = `probe${randomBytes(3).toString('hex')}`;
  const { name, schema } = serviceName(stem);
  const role = `${schema}_service`;
  const admin = adminDb();
  try {
    mkdirSync(join(root, 'scripts/lib'), { recursive: true });
    cpSync(join(ROOT, 'scripts/lib/platform.ts'), join(root, 'scripts/lib/platform.ts'));
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
    const written = createService(root, { name, schema, port: 4099, migration: '20991231000000' });
    assert.ok(written.includes(`services/${name}/src/domain/access.ts`));
    assert.match(readFileSync(join(root, 'scripts/lib/platform.ts'), 'utf8'), new RegExp(`name: '${name}'`));
    assert.deepEqual(shapeViolations(join(root, 'services', name, 'src')), []);

    writeFileSync(
      join(root, 'tsconfig.json'),
      JSON.stringify({ extends: join(ROOT, 'tsconfig.base.json'), include: [`services/${name}`] }),
    );
    const tsc = await run(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', root],
      process.env,
      root,
    );
    assert.equal(tsc.code, 0, tsc.output);

    await admin.unsafe(
      readFileSync(join(root, `supabase/migrations/20991231000000_${schema}_service.sql`), 'utf8'),
    );
    const password = randomBytes(12).toString('hex');
    await admin.unsafe(`alter role ${role} login password '${password}'`);
    const url = new URL(process.env.DATABASE_URL!);
    url.username = role;
    url.password = password;
    const tests = await run(
      process.execPath,
      ['--test', `services/${name}/test/notes.test.ts`, `services/${name}/test/problems.test.ts`],
      // Without NODE_TEST_CONTEXT: the generated suite runs as a run of its own, not a subtest of this one.
      { ...process.env, NODE_TEST_CONTEXT: undefined, [`${envPrefix(name)}_DATABASE_URL`]: url.toString() },
      root,
    );
    assert.equal(tests.code, 0, tests.output);
    assert.match(tests.output, /pass 3\n[\s\S]*fail 0\n/);
  } finally {
    await admin.unsafe(`drop schema if exists ${schema} cascade`).catch(() => {});
    await admin`delete from eduspry.services where schema_name = ${schema}`.catch(() => {});
    await admin.unsafe(`drop owned by ${role}`).catch(() => {});
    await admin.unsafe(`drop role if exists ${role}`).catch(() => {});
    await admin.end();
    rmSync(root, { recursive: true, force: true });
  }
});
