/**
 * Consumer contracts for events: the event types and fields notification-service's consumer
 * (applyDomainEvent) reads, as Pact V4 message pacts with auth-service and course-service. Each
 * example message runs through the real consumer code on the test database; the producers verify
 * the pacts against the events their own code builds (test/pact-provider.test.ts there).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { serviceDb } from '@eduspry/common/testing';
import type { EventEnvelope } from '@eduspry/contracts';
import { consumerPact, Matchers } from '@eduspry/contracts/pact-testing';
import { applyDomainEvent } from '../src/domain/events.ts';

const { uuid, eachLike, email, regex, like } = Matchers;
const TENANT_ID = '1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a';
const USER_ID = '7e6d5c4b-3a29-4817-9605-f4e3d2c1b0a9';
const COURSE_ID = '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d';

const fromAuth = consumerPact('notification-service', 'auth-service');
const fromCourse = consumerPact('notification-service', 'course-service');
const sql = serviceDb('notification-service');
after(async () => {
  fromAuth.settle();
  fromCourse.settle();
  await sql.end();
});

/** The envelope fields the consumer reads, whatever the event. */
const envelope = (eventType: string, data: Record<string, unknown>) => ({
  eventId: uuid('0f9e8d7c-6b5a-4948-8372-6150f4e3d2c1'),
  eventType,
  tenantId: uuid(TENANT_ID),
  data,
});

const apply = (message: { contents: { content: unknown } }) =>
  sql.begin((tx) =>
    applyDomainEvent(tx, message.contents.content as EventEnvelope, new Date()),
  ) as Promise<number>;

describe('notification-service ← auth-service events', () => {
  test('user_registered: who, their roles and email make a recipient', async () => {
    await fromAuth.pact
      .addAsynchronousInteraction()
      .expectsToReceive('a user_registered event for a user who accepted an invitation', (b) =>
        b.withJSONContent(
          envelope('user.authentication.user_registered', {
            userId: uuid(USER_ID),
            email: email('new.teacher@example.test'),
            roles: eachLike('instructor'),
          }),
        ),
      )
      .executeTest(async (message) => assert.equal(await apply(message as never), 0));
  });

  test('user_role_changed: the new roles of a recipient', async () => {
    await fromAuth.pact
      .addAsynchronousInteraction()
      .expectsToReceive('a user_role_changed event for a student made an instructor', (b) =>
        b.withJSONContent(
          envelope('user.authentication.user_role_changed', {
            userId: uuid(USER_ID),
            roles: eachLike('instructor'),
          }),
        ),
      )
      .executeTest(async (message) => assert.equal(await apply(message as never), 0));
  });

  test('user_deactivated: a recipient who gets nothing more', async () => {
    await fromAuth.pact
      .addAsynchronousInteraction()
      .expectsToReceive('a user_deactivated event for a deactivated student', (b) =>
        b.withJSONContent(envelope('user.authentication.user_deactivated', { userId: uuid(USER_ID) })),
      )
      .executeTest(async (message) => assert.equal(await apply(message as never), 0));
  });
});

describe('notification-service ← course-service events', () => {
  test('enrollment_changed (enrolled): a notification for the student', async () => {
    await fromCourse.pact
      .addAsynchronousInteraction()
      .expectsToReceive('an enrollment_changed event for a student who enrolled', (b) =>
        b.withJSONContent(
          envelope('course.management.enrollment_changed', {
            userId: uuid(USER_ID),
            courseId: uuid(COURSE_ID),
            action: regex('^(enrolled|unenrolled)$', 'enrolled'),
            role: like('student'),
          }),
        ),
      )
      .executeTest(async (message) => assert.equal(await apply(message as never), 1, 'one new notification'));
  });
});
