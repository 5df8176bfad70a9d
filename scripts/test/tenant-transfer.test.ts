// `npm run tenant:export` / `tenant:import` move one district between two databases: the API
// answers the same on the target, RLS still applies there, and no other tenant's row travels.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { createDb, type Sql } from '@eduspry/common';
import { bankWith, QUESTIONS } from '../../services/assessment-service/test/fixtures.ts';
import {
  harness as assessmentHarness,
  courseWith,
  expectOk,
  placeQuiz,
} from '../../services/assessment-service/test/helpers.ts';
import { buildApp } from '../../services/course-service/src/app.ts';
import { outboxEvents } from '../../services/course-service/src/events.ts';
import {
  authenticate,
  type Harness,
  harness,
  publishedCourse,
  type User,
} from '../../services/course-service/test/helpers.ts';
import {
  createDatabaseIfMissing,
  dropDatabase,
  migrateDatabase,
  ROOT,
  withDatabase,
} from '../lib/database.ts';

const run = promisify(execFile);
const source = process.env.DATABASE_URL!;
const targetName = `eduspry_tenant_target_${Date.now()}_${process.pid}`;
const target = withDatabase(source, targetName);

function tenantCli(args: string[], databaseUrl: string) {
  return run(process.execPath, [join(ROOT, 'scripts/tenant.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
  }).then(
    (ok) => ({ code: 0, stdout: ok.stdout, stderr: ok.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

let h: Harness;
let dir: string;
let targetAdmin: Sql;
before(async () => {
  h = await harness();
  dir = await mkdtemp(join(tmpdir(), 'eduspry-tenant-'));
  await createDatabaseIfMissing(withDatabase(source, 'postgres'), targetName);
  await migrateDatabase(target);
  targetAdmin = createDb(target, { applicationName: 'eduspry-test-target', max: 2 });
});
after(async () => {
  await h.close();
  await targetAdmin.end();
  await dropDatabase(withDatabase(source, 'postgres'), targetName);
  await rm(dir, { recursive: true, force: true });
});

test('a tenant moved to an empty database answers the same course list and rosters, and carries no other tenant', async () => {
  // The district to move: two published courses, students enrolled in them, and its own user row.
  const { course: algebra, teacher } = await publishedCourse(h, { title: 'Algebra' });
  const { course: biology } = await publishedCourse(h, { title: 'Biology' });
  const students: User[] = [await h.user(), await h.user(), await h.user()];
  for (const student of students) {
    assert.equal((await h.call(student, 'POST', `/courses/${algebra.id}/enrollments`, {})).status, 201);
  }
  assert.equal((await h.call(students[0], 'POST', `/courses/${biology.id}/enrollments`, {})).status, 201);
  await h.admin`
    insert into identity.users (tenant_id, email, display_name)
    values (${h.tenant.id}, ${`moved-${h.tenant.slug}@example.test`}, 'Moved student')`;
  // Another district on the same source database, which must stay there.
  const other = await h.newTenant();
  const otherTeacher = await h.user(['instructor'], other);
  const otherCourse = await h.call(otherTeacher, 'POST', '/courses', {
    code: 'STAY-1',
    title: 'Not moving',
    selfEnrollment: true,
  });
  assert.equal(otherCourse.status, 201);
  await h.call(otherTeacher, 'PATCH', `/courses/${otherCourse.body.id}`, { state: 'published' });
  const otherStudent = await h.user(['student'], other);
  assert.equal(
    (await h.call(otherStudent, 'POST', `/courses/${otherCourse.body.id}/enrollments`, {})).status,
    201,
  );
  await h.admin`
    insert into identity.users (tenant_id, email, display_name)
    values (${other.id}, ${`stays-${other.slug}@example.test`}, 'Staying student')`;

  const views = async (call: Harness['call']) => ({
    catalog: (await call(students[1]!, 'GET', '/courses')).body,
    mine: (await call(students[0]!, 'GET', '/courses')).body,
    algebraRoster: (await call(teacher, 'GET', `/courses/${algebra.id}/enrollments`)).body,
    biologyRoster: (await call(teacher, 'GET', `/courses/${biology.id}/enrollments`)).body,
  });
  const before = await views(h.call);
  // The instructor who created the course and the three students.
  assert.equal(before.algebraRoster.items?.length ?? before.algebraRoster.length, 4);

  const file = join(dir, `${h.tenant.slug}.json`);
  const exported = await tenantCli(['export', h.tenant.slug, file], source);
  assert.equal(exported.code, 0, exported.stderr);
  const imported = await tenantCli(['import', file], target);
  assert.equal(imported.code, 0, imported.stderr);

  // The course-service, connected as its own role to the target, answers the same.
  const serviceUrl = new URL(process.env.COURSE_SERVICE_DATABASE_URL!);
  serviceUrl.pathname = `/${targetName}`;
  const targetSql = createDb(serviceUrl.toString(), {
    applicationName: 'eduspry-test-target-course',
    max: 2,
  });
  const targetApp = await buildApp({ sql: targetSql, events: outboxEvents, authenticate });
  try {
    const call: Harness['call'] = async (user, method, url, payload) => {
      const response = await targetApp.inject({
        method,
        url,
        headers: user ? { authorization: `Bearer ${user.token}` } : {},
        ...(payload === undefined ? {} : { payload: payload as never }),
      });
      return { status: response.statusCode, body: JSON.parse(response.body), headers: response.headers };
    };
    assert.deepEqual(await views(call), before);
    // RLS travels with the schema: the other tenant's claims see nothing of the moved one.
    const outsider = await h.user(['tenant_admin'], other);
    assert.equal((await call(outsider, 'GET', `/courses/${algebra.id}`)).status, 404);
  } finally {
    await targetApp.close();
    await targetSql.end();
  }

  const tenants = await targetAdmin<{ id: string }[]>`select id from identity.tenants`;
  assert.deepEqual(
    tenants.map((t) => t.id),
    [h.tenant.id],
  );
  const tables = await targetAdmin<{ name: string }[]>`
    select table_schema || '.' || table_name as name from information_schema.columns
    where column_name = 'tenant_id' and table_schema not in ('pg_catalog', 'information_schema')`;
  for (const { name } of tables) {
    const [row] = await targetAdmin.unsafe<{ n: number }[]>(
      `select count(*)::int as n from ${name} where tenant_id <> $1`,
      [h.tenant.id],
    );
    assert.equal(row!.n, 0, `${name} holds another tenant's rows`);
  }
  const [users] = await targetAdmin<{ n: number }[]>`select count(*)::int as n from identity.users`;
  assert.equal(users!.n, 1);
});

test("grades travel with the tenant: the moved gradebook and every student's own grades answer the same", async () => {
  // A district with a graded quiz: one student answers right, one wrong (auto-graded on submit).
  const district = await assessmentHarness();
  const file = join(dir, `${district.tenant.slug}-grades.json`);
  try {
    const course = await courseWith(district, 2);
    const bank = await bankWith(district, course.teacher, course.courseId, [QUESTIONS[2]!, QUESTIONS[4]!]);
    const quiz = expectOk(
      await district.call(course.teacher, 'POST', `/courses/${course.courseId}/quizzes`, {
        title: 'Moved quiz',
        sections: [{ kind: 'fixed', questionIds: bank.questionIds }],
      }),
      201,
    );
    await placeQuiz(district, course, quiz.id);
    for (const [student, right] of course.students.map((s, i) => [s, i === 0] as const)) {
      const attempt = expectOk(await district.call(student, 'POST', `/quizzes/${quiz.id}/attempts`, {}), 201);
      for (const q of attempt.questions) {
        const answer = q.type === 'true_false' ? { value: right } : { text: right ? '3.14' : '9' };
        expectOk(
          await district.call(student, 'PUT', `/attempts/${attempt.id}/answers/${q.position}`, { answer }),
        );
      }
      expectOk(await district.call(student, 'POST', `/attempts/${attempt.id}/submit`));
    }
    const views = async (on: typeof district) => ({
      gradebook: expectOk(await on.call(course.teacher, 'GET', `/courses/${course.courseId}/gradebook`)),
      own: await Promise.all(
        course.students.map(async (student) =>
          expectOk(await on.call(student, 'GET', `/courses/${course.courseId}/gradebook/me`)),
        ),
      ),
    });
    const before = await views(district);
    assert.deepEqual(
      before.gradebook.students
        .map((row: { percent: number }) => row.percent)
        .sort((a: number, b: number) => a - b),
      [0, 100],
      'the grades to move',
    );
    assert.equal((await tenantCli(['export', district.tenant.slug, file], source)).code, 0);
    const imported = await tenantCli(['import', file], target);
    assert.equal(imported.code, 0, imported.stderr);

    // assessment-service and course-service (its CheckAccess) as their own roles on the target.
    const moved = await assessmentHarness({ database: targetName, tenant: district.tenant });
    try {
      assert.deepEqual(await views(moved), before);
    } finally {
      await moved.close();
    }
  } finally {
    await district.close();
  }
});

test('importing a tenant the target already has, or a file that smuggles another tenant, changes nothing', async () => {
  const { course } = await publishedCourse(h, { title: 'Twice' });
  const tenant = h.tenant;
  const file = join(dir, 'again.json');
  assert.equal((await tenantCli(['export', tenant.slug, file], source)).code, 0);
  const first = await tenantCli(['import', file], target);
  // The first test may have moved this tenant already; either way a second import is refused.
  const again = await tenantCli(['import', file], target);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already has tenant/);
  assert.ok(first.code === 0 || /already has tenant/.test(first.stderr));

  // Another tenant's course row slipped into the file is refused as a whole.
  const stranger = await h.newTenant();
  const data = JSON.parse(await readFile(file, 'utf8'));
  data.tenant = { id: stranger.id, slug: stranger.slug };
  data.tables['identity.tenants'] = [
    { ...data.tables['identity.tenants'][0], id: stranger.id, slug: stranger.slug },
  ];
  data.tables['course.courses'] = [
    { ...data.tables['course.courses'].find((c: { id: string }) => c.id === course.id) },
  ];
  const smuggled = join(dir, 'smuggled.json');
  await writeFile(smuggled, JSON.stringify(data));
  const refused = await tenantCli(['import', smuggled], target);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /rows of another tenant/);
  const [row] = await targetAdmin<
    { n: number }[]
  >`select count(*)::int as n from identity.tenants where id = ${stranger.id}`;
  assert.equal(row!.n, 0);
});

test('export of an unknown tenant and import of a file that is not an export fail with a message', async () => {
  const missing = await tenantCli(['export', 'no-such-district', join(dir, 'none.json')], source);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no tenant with slug/);
  const junk = join(dir, 'junk.json');
  await writeFile(junk, '{"format":"something-else","tables":{"x":[1]}}\u0000');
  const rejected = await tenantCli(['import', junk], target);
  assert.equal(rejected.code, 1);
  assert.match(rejected.stderr, /cannot read|not an eduspry-tenant-export/);
});
