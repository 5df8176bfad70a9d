/**
 * Consumer contract for events: what course-service's user-events consumer reads from
 * user_registered (the user directory entry, and enrolment in orientation courses) and from
 * user_profile_changed (a rename), as a Pact V4 message pact with auth-service. Each example runs
 * through the real subscription handler on the test database; auth-service verifies the pact
 * against the events its own code builds.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { serviceDb } from '@eduspry/common/testing';
import { createEvent } from '@eduspry/contracts';
import { consumerPact, Matchers } from '@eduspry/contracts/pact-testing';
import type { EventBus, SubscribeOptions } from '@eduspry/event-bus';
import { subscribeToUserEvents } from '../src/consumers/users.ts';
import { USER_EVENT_TYPES } from '../src/domain/users.ts';
import type { CourseEvents } from '../src/events.ts';

const { uuid, email, eachLike, like, iso8601DateTimeWithMillis } = Matchers;
const USER_REGISTERED = 'user.authentication.user_registered';
const USER_PROFILE_CHANGED = 'user.authentication.user_profile_changed';
const { pact, settle } = consumerPact('course-service', 'auth-service');
const sql = serviceDb('course-service');
after(async () => {
  settle();
  await sql.end();
});

/** The consumer's real subscription on a bus that only records it, and what it emitted. */
async function subscribed() {
  let subscription: SubscribeOptions | undefined;
  const bus = {
    subscribe: async (options: SubscribeOptions) => {
      subscription = options;
      return { close: async () => {} };
    },
  } as unknown as EventBus;
  const emitted: unknown[] = [];
  const events: CourseEvents = {
    enrollmentChanged: async (_tx, event) => void emitted.push(event),
    itemCompleted: async () => {},
    scheduleChanged: async () => {},
    itemsDeleted: async () => {},
  };
  await subscribeToUserEvents(bus, events);
  assert.deepEqual(subscription?.eventTypes, [...USER_EVENT_TYPES]);
  return { handler: subscription!.handler, emitted };
}

test('user_registered: the tenant, user and display name of a new account', async () => {
  const { handler, emitted } = await subscribed();

  await pact
    .addAsynchronousInteraction()
    .expectsToReceive('a user_registered event for a user who accepted an invitation', (b) =>
      b.withJSONContent({
        eventType: USER_REGISTERED,
        tenantId: uuid('1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a'),
        data: {
          tenantId: uuid('1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a'),
          userId: uuid('7e6d5c4b-3a29-4817-9605-f4e3d2c1b0a9'),
          email: email('new.teacher@example.test'),
          roles: eachLike('instructor'),
          registeredAt: iso8601DateTimeWithMillis('2026-12-01T10:00:00.000Z'),
          displayName: like('New Teacher'),
        },
      }),
    )
    .executeTest(async (message) => {
      const event = (message as unknown as { contents: { content: never } }).contents.content;
      // A tenant without orientation courses: a directory entry, no enrolment.
      const [entry] = await sql.begin(async (tx) => {
        await handler(event, tx as never, {} as never);
        return tx`select display_name from course.users
          where tenant_id = '1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a' and user_id = '7e6d5c4b-3a29-4817-9605-f4e3d2c1b0a9'`;
      });
      assert.deepEqual(emitted, []);
      assert.equal(entry?.display_name, 'New Teacher');
    });
});

test('user_profile_changed: the new display name of a registered user', async () => {
  const { handler } = await subscribed();
  const tenantId = '2e3d4c5b-6a7f-4e8d-9cab-1f2e3d4c5b6a';
  const userId = '8f7e6d5c-4b3a-4928-8716-05f4e3d2c1b0';
  const registered = createEvent('user.authentication.user_registered', {
    tenantId,
    data: {
      tenantId,
      userId,
      email: 'renamed@example.test',
      roles: ['student'],
      registeredAt: '2026-12-01T10:00:00.000Z',
      displayName: 'Old Name',
    },
  });
  await sql.begin((tx) => handler(registered as never, tx as never, {} as never));
  await pact
    .addAsynchronousInteraction()
    .expectsToReceive('a user_profile_changed event for a student renamed by a roster import', (b) =>
      b.withJSONContent({
        eventType: USER_PROFILE_CHANGED,
        tenantId: uuid(tenantId),
        data: {
          tenantId: uuid(tenantId),
          userId: uuid(userId),
          displayName: like('New Name'),
          changedAt: iso8601DateTimeWithMillis('2026-12-04T10:00:00.000Z'),
        },
      }),
    )
    .executeTest(async (message) => {
      const event = (message as unknown as { contents: { content: never } }).contents.content;
      const [entry] = await sql.begin(async (tx) => {
        await handler(event, tx as never, {} as never);
        return tx`select display_name from course.users where tenant_id = ${tenantId} and user_id = ${userId}`;
      });
      assert.equal(entry?.display_name, 'New Name');
    });
});
