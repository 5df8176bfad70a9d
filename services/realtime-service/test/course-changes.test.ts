import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { adminDb } from '@eduspry/common/testing';
import type { RealtimePostgresChangesPayload } from '@supabase/realtime-js';
import { client, sleep, startServer, subscribed, testAuth, waitFor } from './helpers.ts';

// course.items and course.modules, opted in by course-service's migration
// (20261202140000_course_live_changes.sql): what the web app's course page listens to.
const admin = adminDb();
const auth = await testAuth();
const server = await startServer(auth, { changes: true });
const clients: { disconnect(): unknown }[] = [];
after(async () => {
  for (const c of clients) c.disconnect();
  await server.close();
  await admin.end();
});

type Item = { id: string; title: string };

async function listener(tenantId: string, courseId: string, sub: string, roles = ['student']) {
  const c = client(server, await auth.tokenFor(tenantId, roles, sub));
  clients.push(c);
  const got: RealtimePostgresChangesPayload<Item>[] = [];
  const channel = c
    .channel(`course-page-${randomUUID()}`)
    .on(
      'postgres_changes',
      { event: '*', schema: 'course', table: 'items', filter: `course_id=eq.${courseId}` },
      (p) => got.push(p as RealtimePostgresChangesPayload<Item>),
    );
  await subscribed(channel);
  return got;
}

test('course items reach members as the course page shows them: drafts to staff only, nothing to non-members', async () => {
  const tenantId = randomUUID();
  const [course] = await admin<{ id: string }[]>`
    insert into course.courses (tenant_id, code, title, state)
    values (${tenantId}, 'LIVE-1', 'Live biology', 'published') returning id`;
  const [module] = await admin<{ id: string }[]>`
    insert into course.modules (tenant_id, course_id, position, title, published)
    values (${tenantId}, ${course!.id}, 0, 'Week 1', true) returning id`;
  const [student, teacher, outsider, dropped] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  await admin`
    insert into course.enrollments (tenant_id, course_id, user_id, role, status) values
      (${tenantId}, ${course!.id}, ${student}, 'student', 'active'),
      (${tenantId}, ${course!.id}, ${teacher}, 'teacher', 'active'),
      (${tenantId}, ${course!.id}, ${dropped}, 'student', 'dropped')`;
  try {
    const students = await listener(tenantId, course!.id, student);
    const teachers = await listener(tenantId, course!.id, teacher, ['instructor']);
    // Same district, not in the course (or no longer): tenant isolation alone would let them read.
    const outsiders = await listener(tenantId, course!.id, outsider);
    const droppeds = await listener(tenantId, course!.id, dropped);
    await admin`
      insert into course.items (tenant_id, course_id, module_id, position, kind, title, body, published) values
        (${tenantId}, ${course!.id}, ${module!.id}, 0, 'page', 'Cells', 'A cell is…', true),
        (${tenantId}, ${course!.id}, ${module!.id}, 1, 'page', 'Draft: answers', 'secret', false)`;
    await waitFor(
      'the teacher gets both, the student the published one',
      () => teachers.length === 2 && students.length === 1,
    );
    await sleep(300);
    assert.deepEqual(teachers.map((change) => (change.new as Item).title).sort(), [
      'Cells',
      'Draft: answers',
    ]);
    assert.deepEqual(
      students.map((change) => (change.new as Item).title),
      ['Cells'],
    );
    assert.equal(outsiders.length, 0);
    assert.equal(droppeds.length, 0);
  } finally {
    await admin`delete from course.courses where id = ${course!.id}`;
  }
});
