/**
 * Consumer contracts for events: the event types and fields analytics-service's consumer
 * (ingestDomainEvent → the rollups of domain/rules.ts) reads, as Pact V4 message pacts with
 * auth-service, course-service and assessment-service. Each example message runs through the
 * real consumer on the test database and its rollup is checked; the producers verify the pacts
 * against the events their own code builds (test/pact-provider.test.ts there). Content events
 * are kept raw only (no field of their data is read), so they need no contract beyond Avro's.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { adminDb, serviceDb } from '@eduspry/common/testing';
import type { EventEnvelope } from '@eduspry/contracts';
import { consumerPact, Matchers } from '@eduspry/contracts/pact-testing';
import { ingestDomainEvent } from '../src/domain/ingest.ts';

const { uuid, eachLike, regex, integer, number } = Matchers;
const TENANT_ID = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d';
const USER_ID = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
const COURSE_ID = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const ITEM_ID = '6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b9c';
const MODULE_ID = '8b9c0d1e-2f3a-4b4c-8d5e-6f7a8b9c0d1e';
const QUIZ_ID = '0d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a';

const fromAuth = consumerPact('analytics-service', 'auth-service');
const fromCourse = consumerPact('analytics-service', 'course-service');
const fromAssessment = consumerPact('analytics-service', 'assessment-service');
const sql = serviceDb('analytics-service');
const admin = adminDb();
after(async () => {
  fromAuth.settle();
  fromCourse.settle();
  fromAssessment.settle();
  await Promise.all([sql.end(), admin.end()]);
});

/** The envelope fields the consumer reads, whatever the event: the id, type, tenant and time. */
const envelope = (eventId: string, eventType: string, data: Record<string, unknown>) => ({
  eventId: uuid(eventId),
  eventType,
  tenantId: uuid(TENANT_ID),
  timestamp: regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.source, '2026-12-01T10:00:00.000Z'),
  data,
});

const ingest = (message: { contents: { content: unknown } }) =>
  sql.begin((tx) => ingestDomainEvent(tx, message.contents.content as EventEnvelope));

describe('analytics-service ← auth-service events', () => {
  test('user_registered: who registered and with which roles', async () => {
    await fromAuth.pact
      .addAsynchronousInteraction()
      .expectsToReceive('a user_registered event for a user who accepted an invitation', (b) =>
        b.withJSONContent(
          envelope('1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', 'user.authentication.user_registered', {
            userId: uuid(USER_ID),
            roles: eachLike('instructor'),
          }),
        ),
      )
      .executeTest(async (message) => {
        await ingest(message as never);
        const [row] = await admin<{ roles: string[]; registered: boolean }[]>`
          select roles, registered_at is not null as registered from analytics.users
          where tenant_id = ${TENANT_ID} and user_id = ${USER_ID}`;
        assert.deepEqual(row, { roles: ['instructor'], registered: true });
      });
  });

  test('user_deactivated: who no longer counts', async () => {
    await fromAuth.pact
      .addAsynchronousInteraction()
      .expectsToReceive('a user_deactivated event for a deactivated student', (b) =>
        b.withJSONContent(
          envelope('2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e', 'user.authentication.user_deactivated', {
            userId: uuid(USER_ID),
          }),
        ),
      )
      .executeTest(async (message) => {
        await ingest(message as never);
        const [row] = await admin<{ deactivated: boolean }[]>`
          select deactivated_at is not null as deactivated from analytics.users
          where tenant_id = ${TENANT_ID} and user_id = ${USER_ID}`;
        assert.equal(row?.deactivated, true);
      });
  });
});

describe('analytics-service ← course-service events', () => {
  test('enrollment_changed: who is in which course, in which role', async () => {
    await fromCourse.pact
      .addAsynchronousInteraction()
      .expectsToReceive('an enrollment_changed event for a student who enrolled', (b) =>
        b.withJSONContent(
          envelope('3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f', 'course.management.enrollment_changed', {
            userId: uuid(USER_ID),
            courseId: uuid(COURSE_ID),
            role: regex('^(student|teacher|ta)$', 'student'),
            action: regex('^(enrolled|unenrolled)$', 'enrolled'),
          }),
        ),
      )
      .executeTest(async (message) => {
        await ingest(message as never);
        const [row] = await admin<{ role: string; active: boolean }[]>`
          select role, active from analytics.enrollments
          where tenant_id = ${TENANT_ID} and course_id = ${COURSE_ID} and user_id = ${USER_ID}`;
        assert.deepEqual(row, { role: 'student', active: true });
      });
  });

  test('item_completed: which item of which module a student finished', async () => {
    await fromCourse.pact
      .addAsynchronousInteraction()
      .expectsToReceive('an item_completed event for a student who finished a page', (b) =>
        b.withJSONContent(
          envelope('4d5e6f7a-8b9c-4d0e-9f1a-3b4c5d6e7f8a', 'course.progress.item_completed', {
            userId: uuid(USER_ID),
            courseId: uuid(COURSE_ID),
            itemId: uuid(ITEM_ID),
            moduleId: uuid(MODULE_ID),
            position: integer(0),
          }),
        ),
      )
      .executeTest(async (message) => {
        await ingest(message as never);
        const [row] = await admin<{ module_id: string; position: number; completed: boolean }[]>`
          select module_id, position, completed_at is not null as completed from analytics.student_items
          where tenant_id = ${TENANT_ID} and course_id = ${COURSE_ID} and user_id = ${USER_ID}
            and item_id = ${ITEM_ID}`;
        assert.deepEqual(row, { module_id: MODULE_ID, position: 0, completed: true });
      });
  });
  test('schedule_changed: which published items of a module are due from when', async () => {
    await fromCourse.pact
      .addAsynchronousInteraction()
      .expectsToReceive('a schedule_changed event for a published module with an unlock date', (b) =>
        b.withJSONContent(
          envelope('7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d', 'course.management.schedule_changed', {
            courseId: uuid(COURSE_ID),
            moduleId: uuid(MODULE_ID),
            published: true,
            unlockAt: regex(
              /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.source,
              '2026-09-01T08:00:00.000Z',
            ),
            itemIds: eachLike(uuid(ITEM_ID)),
            removed: false,
          }),
        ),
      )
      .executeTest(async (message) => {
        await ingest(message as never);
        const [row] = await admin<
          { published: boolean; unlock_at: Date; item_ids: string[]; removed: boolean }[]
        >`
          select published, unlock_at, item_ids, removed from analytics.course_schedules
          where tenant_id = ${TENANT_ID} and course_id = ${COURSE_ID} and module_id = ${MODULE_ID}`;
        assert.deepEqual(row, {
          published: true,
          unlock_at: new Date('2026-09-01T08:00:00.000Z'),
          item_ids: [ITEM_ID],
          removed: false,
        });
      });
  });
});

describe('analytics-service ← assessment-service events', () => {
  test('attempt_submitted: a student’s submission counts as activity of the day in the course', async () => {
    await fromAssessment.pact
      .addAsynchronousInteraction()
      .expectsToReceive('an attempt_submitted event for a student who submitted a quiz', (b) =>
        b.withJSONContent(
          envelope('5e6f7a8b-9c0d-4e1f-8a2b-4c5d6e7f8a9b', 'assessment.attempt.submitted', {
            userId: uuid(USER_ID),
            courseId: uuid(COURSE_ID),
          }),
        ),
      )
      .executeTest(async (message) => {
        await ingest(message as never);
        const [row] = await admin<{ attempts: number }[]>`
          select sum(attempts_submitted)::int as attempts from analytics.daily_activity
          where tenant_id = ${TENANT_ID} and course_id = ${COURSE_ID} and user_id = ${USER_ID}`;
        assert.equal(row?.attempts, 1);
      });
  });

  test('grade_posted: the quiz grade of a student, in points of the points possible', async () => {
    await fromAssessment.pact
      .addAsynchronousInteraction()
      .expectsToReceive('a grade_posted event for an auto-graded quiz', (b) =>
        b.withJSONContent(
          envelope('6f7a8b9c-0d1e-4f2a-9b3c-5d6e7f8a9b0c', 'assessment.grading.grade_posted', {
            userId: uuid(USER_ID),
            courseId: uuid(COURSE_ID),
            quizId: uuid(QUIZ_ID),
            score: number(7),
            pointsPossible: number(9),
          }),
        ),
      )
      .executeTest(async (message) => {
        await ingest(message as never);
        const [row] = await admin<{ score: number; points_possible: number }[]>`
          select score, points_possible from analytics.grades
          where tenant_id = ${TENANT_ID} and course_id = ${COURSE_ID} and quiz_id = ${QUIZ_ID}
            and user_id = ${USER_ID}`;
        assert.deepEqual(row, { score: 7, points_possible: 9 });
      });
  });
});
