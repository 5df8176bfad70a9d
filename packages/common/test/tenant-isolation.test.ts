import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { type Sql, type TenantClaims, withTenant } from '../src/index.ts';
import { adminDb, claimsFor, createTestTenant, serviceDb, type TestTenant } from '../src/testing.ts';

let admin: Sql;
let courseService: Sql;
let authService: Sql;
let loggingService: Sql;
let tenantA: TestTenant;
let tenantB: TestTenant;
let courseOfB: string;

before(async () => {
  admin = adminDb();
  courseService = serviceDb('course-service');
  authService = serviceDb('auth-service');
  loggingService = serviceDb('logging-service');
  tenantA = await createTestTenant(admin, 'rls-a');
  tenantB = await createTestTenant(admin, 'rls-b');
  for (const [tenant, codes] of [
    [tenantA, ['A-1', 'A-2']],
    [tenantB, ['B-1']],
  ] as const) {
    for (const code of codes) {
      await admin`insert into course.courses (tenant_id, code, title, state) values (${tenant.id}, ${code}, ${`Course ${code}`}, 'published')`;
    }
  }
  [{ id: courseOfB }] = await admin<
    [{ id: string }]
  >`select id from course.courses where tenant_id = ${tenantB.id}`;
});

after(async () => {
  await Promise.all([admin.end(), courseService.end(), authService.end(), loggingService.end()]);
});

const asUserOf = (tenant: TestTenant, roles = ['student']) => claimsFor(tenant.id, roles);

test('a query with no tenant filter, run in the tenant context, returns only that tenant’s rows', async () => {
  const codes = await withTenant(courseService, asUserOf(tenantA), async (tx) => {
    // Deliberately buggy: no WHERE tenant_id. RLS must still confine it.
    const rows = await tx<{ code: string }[]>`select code from course.courses order by code`;
    return rows.map((row) => row.code);
  });
  assert.deepEqual(codes, ['A-1', 'A-2']);
});

test('a user of tenant A cannot update, delete or insert rows of tenant B', async () => {
  await withTenant(courseService, asUserOf(tenantA, ['tenant_admin']), async (tx) => {
    const updated = await tx`update course.courses set title = 'hijacked' where id = ${courseOfB}`;
    assert.equal(updated.count, 0);
    const deleted = await tx`delete from course.courses where id = ${courseOfB}`;
    assert.equal(deleted.count, 0);
  });
  await assert.rejects(
    withTenant(
      courseService,
      asUserOf(tenantA, ['tenant_admin']),
      (tx) =>
        tx`insert into course.courses (tenant_id, code, title) values (${tenantB.id}, 'SNEAK', 'Sneaky')`,
    ),
    /row-level security/,
  );
  const [course] = await admin`select title from course.courses where id = ${courseOfB}`;
  assert.equal(course?.title, 'Course B-1');
});

test('missing or malformed claims mean zero rows, never all rows', async () => {
  const malformed: unknown[] = [
    { sub: randomUUID(), role: 'authenticated' },
    {
      sub: randomUUID(),
      role: 'authenticated',
      app_metadata: { tenant_id: 'not-a-uuid', roles: ['student'] },
    },
    {
      sub: randomUUID(),
      role: 'authenticated',
      app_metadata: { tenant_id: null, roles: ['super_admin', 1] },
    },
    { sub: randomUUID(), role: 'authenticated', app_metadata: { roles: 'super_admin' } },
  ];
  for (const claims of malformed) {
    const rows = await withTenant(
      courseService,
      claims as TenantClaims,
      (tx) => tx`select id from course.courses`,
    );
    assert.equal(rows.length, 0, `claims ${JSON.stringify(claims)} must see nothing`);
  }
  // Claims that are not JSON at all, set the way a misbehaving proxy might.
  const rows = await courseService.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', '{not json', true), set_config('role', 'authenticated', true)`;
    return tx`select id from course.courses`;
  });
  assert.equal(rows.length, 0);
});

test('super_admin crosses tenants only through its explicit policy', async () => {
  const seen = await withTenant(
    courseService,
    asUserOf(tenantA, ['super_admin']),
    (tx) =>
      tx<
        { tenant_id: string }[]
      >`select distinct tenant_id from course.courses where tenant_id in (${tenantA.id}, ${tenantB.id})`,
  );
  assert.equal(seen.length, 2);
  const asTenantAdmin = await withTenant(
    courseService,
    asUserOf(tenantA, ['tenant_admin']),
    (tx) => tx`select distinct tenant_id from course.courses where tenant_id = ${tenantB.id}`,
  );
  assert.equal(asTenantAdmin.length, 0);
});

test('a service role cannot reach another service’s schema, directly or by acting as a user', async () => {
  await assert.rejects(courseService`select id from identity.users limit 1`, /permission denied/);
  await assert.rejects(authService`select id from course.courses limit 1`, /permission denied/);
  const [user] = await admin<{ id: string }[]>`
    insert into identity.users (tenant_id, email, display_name) values (${tenantA.id}, ${`x-${randomUUID()}@a.example`}, 'X')
    returning id`;
  const leaked = await withTenant(
    courseService,
    asUserOf(tenantA, ['super_admin']),
    (tx) => tx`select id from identity.users where id = ${user!.id}`,
  );
  assert.equal(leaked.length, 0, 'course-service must not read identity rows by switching to authenticated');
  const own = await withTenant(
    authService,
    asUserOf(tenantA, ['tenant_admin']),
    (tx) => tx`select id from identity.users where id = ${user!.id}`,
  );
  assert.equal(own.length, 1);
});

test('a service role outside any tenant context sees nothing until it takes the platform path', async () => {
  // The platform path is the service's own role: it crosses tenants in its own schema only.
  const all =
    await courseService`select distinct tenant_id from course.courses where tenant_id in (${tenantA.id}, ${tenantB.id})`;
  assert.equal(all.length, 2);
  await assert.rejects(
    courseService.begin(async (tx) => {
      await tx`select set_config('role', 'anon', true)`;
      return tx`select id from course.courses`;
    }),
    /permission denied/,
  );
});

test('Supabase claim helpers read request.jwt.claims', async () => {
  const claims = { ...asUserOf(tenantA), email: 'helper@a.example' };
  const [row] = await withTenant(
    courseService,
    claims,
    (tx) =>
      tx`select auth.uid() as uid, auth.role() as role, auth.jwt() ->> 'email' as email, current_user as current`,
  );
  assert.deepEqual(row, {
    uid: claims.sub,
    role: 'authenticated',
    email: 'helper@a.example',
    current: 'authenticated',
  });
});

test('every table in a service schema has RLS enabled and at least one policy', async () => {
  const unprotected = await admin<{ table: string; rls: boolean; policies: number }[]>`
    select format('%I.%I', n.nspname, c.relname) as table, c.relrowsecurity as rls,
           (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in (select schema_name from eduspry.services) and c.relkind in ('r', 'p')
      and not c.relispartition
      and (not c.relrowsecurity or not exists (select 1 from pg_policy p where p.polrelid = c.oid))`;
  assert.deepEqual(
    [...unprotected],
    [],
    `tables without RLS or without a policy: ${JSON.stringify(unprotected)}`,
  );
  const [{ count }] = await admin<[{ count: number }]>`
    select count(*)::int as count from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in (select schema_name from eduspry.services) and c.relkind in ('r', 'p')`;
  assert.ok(count >= 4, 'the check must look at real tables');
});

/**
 * Tables holding tenant_id that are deliberately outside RLS, each with its reason and who may
 * read it. Empty today: every such table, in any schema, has RLS and a policy.
 */
const TENANT_TABLES_WITHOUT_RLS: Record<string, string> = {};

test('every table in any schema that holds tenant_id has RLS and a policy, or is on the allow-list', async () => {
  const unprotected = await admin<{ table: string }[]>`
    select format('%I.%I', n.nspname, c.relname) as table
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
    where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_%'
      and c.relkind in ('r', 'p') and not c.relispartition
      and (not c.relrowsecurity or not exists (select 1 from pg_policy p where p.polrelid = c.oid))
    order by 1`;
  assert.deepEqual(
    unprotected.map((row) => row.table).filter((table) => !(table in TENANT_TABLES_WITHOUT_RLS)),
    [],
    'tables with tenant_id but without RLS: protect them, or allow-list them with the reason',
  );
  const [{ count }] = await admin<[{ count: number }]>`
    select count(distinct c.oid)::int as count from pg_class c
    join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'eventbus' and c.relkind = 'r'`;
  assert.equal(count, 1, 'the check sees eventbus.events, outside the service schemas');
});

test('a service role reads the event log only on topics its own consumer groups subscribe to', async () => {
  const topic = `isolation.${randomUUID().slice(0, 8)}`;
  const other = `isolation.${randomUUID().slice(0, 8)}`;
  await admin`
    insert into eventbus.events (topic, key, event_id, tenant_id, event_type, version, payload)
    values (${topic}, 'k', ${randomUUID()}, ${tenantA.id}, 'test.isolation.happened', 1, '{}'),
           (${other}, 'k', ${randomUUID()}, ${tenantB.id}, 'test.isolation.happened', 1, '{}')`;
  const visible = (sql: typeof courseService) =>
    sql<{ topic: string }[]>`select topic from eventbus.events where topic in (${topic}, ${other})`.then(
      (rows) => rows.map((row) => row.topic),
    );
  assert.deepEqual(await visible(courseService), [], 'no subscription, nothing readable');
  await courseService`insert into eventbus.consumer_offsets (group_name, topic) values (${`g-${topic}`}, ${topic})`;
  assert.deepEqual(await visible(courseService), [topic], 'its own subscription only');
  assert.deepEqual(await visible(loggingService), [], "another service's subscription gives it nothing");
  const moved = await loggingService`
    update eventbus.consumer_offsets set position = 0 where group_name = ${`g-${topic}`}`;
  assert.equal(moved.count, 0, "another role cannot move a group's position");
});

test('tenant-owned tables index tenant_id so the policy filter is cheap', async () => {
  const missing = await admin<{ table: string }[]>`
    select format('%I.%I', n.nspname, c.relname) as table
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
    where n.nspname in (select schema_name from eduspry.services) and c.relkind in ('r', 'p') and not c.relispartition
      and not exists (
        select 1 from pg_index i where i.indrelid = c.oid and i.indkey[0] = a.attnum
      )`;
  assert.deepEqual([...missing], []);
});
