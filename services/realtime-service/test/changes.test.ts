import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { adminDb } from '@eduspry/common/testing';
import type { RealtimePostgresChangesPayload } from '@supabase/realtime-js';
import { client, sleep, startServer, subscribed, testAuth, waitFor } from './helpers.ts';

// A table shaped like a service's own (tenant_id, protect_tenant_table with an owning role, an
// extra row policy), opted in with live.publish_table() exactly as a service migration would.
const admin = adminDb();
const table = `notes_${randomUUID().slice(0, 8)}`;
const qualified = `live_fixture.${table}`;
const auth = await testAuth();
const server = await startServer(auth, { changes: true });
const clients: { disconnect(): unknown }[] = [];

before(async () => {
  await admin.unsafe(`
    create schema if not exists live_fixture;
    grant usage on schema live_fixture to authenticated;
    create table ${qualified} (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null,
      course_id uuid not null,
      body text not null,
      audience text not null default 'all',
      author uuid
    );
    select eduspry.protect_tenant_table('${qualified}', 'course_service');
    create policy audience on ${qualified} as restrictive for select to authenticated
      using (audience = 'all' or author = (select auth.uid()));
    select live.publish_table('${qualified}');`);
});
after(async () => {
  for (const c of clients) c.disconnect();
  await server.close();
  await admin.end();
});

type Change = RealtimePostgresChangesPayload<{ id: string; body: string; course_id: string }>;

async function subscriber(tenantId: string, courseId: string, sub = randomUUID()) {
  const c = client(server, await auth.tokenFor(tenantId, ['student'], sub));
  clients.push(c);
  const got: Change[] = [];
  const channel = c
    .channel(`changes-${randomUUID()}`)
    .on(
      'postgres_changes',
      { event: '*', schema: 'live_fixture', table, filter: `course_id=eq.${courseId}` },
      (payload) => got.push(payload as Change),
    );
  await subscribed(channel);
  return { got, sub };
}

test('INSERT, UPDATE and DELETE matching the filter reach the subscriber; other courses do not', async () => {
  const tenantId = randomUUID();
  const [courseId, otherCourse] = [randomUUID(), randomUUID()];
  const { got } = await subscriber(tenantId, courseId);
  const [row] = await admin.unsafe<{ id: string }[]>(
    `insert into ${qualified} (tenant_id, course_id, body) values ($1, $2, 'Week 1') returning id`,
    [tenantId, courseId],
  );
  await admin.unsafe(
    `insert into ${qualified} (tenant_id, course_id, body) values ($1, $2, 'other course')`,
    [tenantId, otherCourse],
  );
  // Rows are re-read under the subscriber's claims when delivered: a row deleted before its
  // INSERT was delivered is no longer visible, so each step waits for the previous one.
  await waitFor('the insert', () => got.length === 1);
  await admin.unsafe(`update ${qualified} set body = 'Week 1 (edited)' where id = $1`, [row!.id]);
  await waitFor('the update', () => got.length === 2);
  await admin.unsafe(`delete from ${qualified} where id = $1`, [row!.id]);
  await waitFor('three changes', () => got.length === 3);
  await sleep(200);
  assert.deepEqual(
    got.map((change) => change.eventType),
    ['INSERT', 'UPDATE', 'DELETE'],
  );
  const [insert, update, remove] = got as [Change, Change, Change];
  assert.equal(insert.schema, 'live_fixture');
  assert.equal(insert.table, table);
  assert.equal((insert.new as { body: string }).body, 'Week 1');
  assert.equal((update.new as { body: string }).body, 'Week 1 (edited)');
  assert.deepEqual(update.old, { id: row!.id });
  assert.deepEqual(remove.old, { id: row!.id });
  assert.ok(insert.commit_timestamp);
});

test("a subscriber never receives another tenant's row, even with the same course id", async () => {
  const [ours, theirs] = [randomUUID(), randomUUID()];
  const courseId = randomUUID();
  const river = await subscriber(ours, courseId);
  const lake = await subscriber(theirs, courseId);
  await admin.unsafe(
    `insert into ${qualified} (tenant_id, course_id, body) values ($1, $2, 'lakeside secret')`,
    [theirs, courseId],
  );
  const [own] = await admin.unsafe<{ id: string }[]>(
    `insert into ${qualified} (tenant_id, course_id, body) values ($1, $2, 'riverside') returning id`,
    [ours, courseId],
  );
  await waitFor('lakeside gets its insert', () => lake.got.length === 1);
  await admin.unsafe(`delete from ${qualified} where tenant_id = $1`, [theirs]);
  await waitFor('each gets their own', () => river.got.length === 1 && lake.got.length === 2);
  await sleep(200);
  assert.deepEqual(
    river.got.map((change) => (change.new as { body?: string }).body),
    ['riverside'],
  );
  assert.equal((river.got[0]!.new as { id: string }).id, own!.id);
  assert.deepEqual(
    lake.got.map((change) => change.eventType),
    ['INSERT', 'DELETE'],
  );
});

test("a row the subscriber's RLS denies is not delivered; one it allows is", async () => {
  const tenantId = randomUUID();
  const courseId = randomUUID();
  const reader = await subscriber(tenantId, courseId);
  const author = await subscriber(tenantId, courseId);
  await admin.unsafe(
    `insert into ${qualified} (tenant_id, course_id, body, audience, author) values ($1, $2, 'draft by author', 'private', $3)`,
    [tenantId, courseId, author.sub],
  );
  await admin.unsafe(
    `insert into ${qualified} (tenant_id, course_id, body) values ($1, $2, 'for everyone')`,
    [tenantId, courseId],
  );
  await waitFor(
    'author gets both, reader the public one',
    () => author.got.length === 2 && reader.got.length === 1,
  );
  await sleep(200);
  assert.deepEqual(
    reader.got.map((change) => (change.new as { body: string }).body),
    ['for everyone'],
  );
});

test('the opted-in table stays writable only by its owner: the realtime role may read as a user, never write', async () => {
  const denied = await server.sql
    .begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: randomUUID(), role: 'authenticated', app_metadata: { tenant_id: randomUUID(), roles: [] } })}, true), set_config('role', 'authenticated', true)`;
      await tx.unsafe(
        `insert into ${qualified} (tenant_id, course_id, body) values ((select eduspry.tenant_id()), gen_random_uuid(), 'x')`,
      );
    })
    .then(
      () => 'written',
      (error: { code?: string }) => error.code,
    );
  assert.equal(denied, '42501');
});
