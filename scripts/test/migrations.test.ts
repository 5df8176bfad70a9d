import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createDb, type Sql } from '@eduspry/common';
import {
  createDatabaseIfMissing,
  dropDatabase,
  migrateDatabase,
  seedDatabase,
  withDatabase,
} from '../lib/database.ts';
import { MigrationError, migrate } from '../lib/migrations.ts';

// Each test here works in a scratch database of its own, created next to the test database.
const adminUrl = process.env.DATABASE_URL!;
const scratch = `scratch_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const scratchUrl = withDatabase(adminUrl, scratch);
let sql: Sql;

before(async () => {
  await createDatabaseIfMissing(adminUrl, scratch);
  sql = createDb(scratchUrl, { applicationName: 'migrations-test', max: 2 });
});
after(async () => {
  await sql.end();
  await dropDatabase(adminUrl, scratch);
});

test('migrations apply to an empty database, are recorded the Supabase way, and a second run is a no-op', async () => {
  const first = await migrateDatabase(scratchUrl);
  assert.ok(first.length >= 3);
  const recorded = await sql<{ version: string; name: string }[]>`
    select version, name from supabase_migrations.schema_migrations order by version`;
  assert.deepEqual(
    recorded.map((row) => row.version),
    first,
  );
  assert.equal(recorded[0]?.name, 'platform_claims_and_roles');
  assert.deepEqual(await migrateDatabase(scratchUrl), []);
});

test('a failing migration rolls back whole and the error names the file and line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'eduspry-migrations-'));
  try {
    await writeFile(join(dir, '29990101000000_good.sql'), 'create table public.good_one (id int);\n');
    await writeFile(
      join(dir, '29990101000100_bad.sql'),
      'create table public.half_done (id int);\n\nselect no_such_column from public.good_one;\n',
    );
    await assert.rejects(
      migrate(sql, dir),
      (error: Error) =>
        error instanceof MigrationError && /29990101000100_bad\.sql:3: .*no_such_column/.test(error.message),
    );
    const [{ good, half }] = await sql<[{ good: string | null; half: string | null }]>`
      select to_regclass('public.good_one')::text as good, to_regclass('public.half_done')::text as half`;
    assert.equal(good, 'good_one', 'the migration before the bad one stays applied');
    assert.equal(half, null, 'nothing of the failed file remains');
    const versions =
      await sql`select version from supabase_migrations.schema_migrations where version like '2999%'`;
    assert.deepEqual(
      versions.map((row) => row.version),
      ['29990101000000'],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a misnamed migration file is refused before anything runs', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'eduspry-migrations-'));
  try {
    await writeFile(join(dir, 'add-things.sql'), 'select 1;');
    await assert.rejects(migrate(sql, dir), /add-things\.sql: migration files are named/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the demo seed is realistic and idempotent', async () => {
  await migrateDatabase(scratchUrl);
  await seedDatabase(scratchUrl);
  const counts = () => sql<
    { tenants: number; users: number; courses: number; modules: number; enrollments: number }[]
  >`
    select (select count(*)::int from identity.tenants) as tenants, (select count(*)::int from identity.users) as users,
           (select count(*)::int from course.courses) as courses, (select count(*)::int from course.modules) as modules,
           (select count(*)::int from course.enrollments) as enrollments`;
  const [before] = await counts();
  await seedDatabase(scratchUrl);
  const [again] = await counts();
  assert.deepEqual(again, before);
  const [riverside] = await sql<{ students: number; instructors: number; admins: number }[]>`
    select count(*) filter (where 'student' = any(u.roles))::int as students,
           count(*) filter (where 'instructor' = any(u.roles))::int as instructors,
           count(*) filter (where 'tenant_admin' = any(u.roles))::int as admins
    from identity.users u join identity.tenants t on t.id = u.tenant_id
    where t.slug = 'riverside-school-district'`;
  assert.deepEqual(riverside, { students: 12, instructors: 2, admins: 1 });
  assert.ok(before!.tenants >= 2 && before!.modules >= 8);
});
