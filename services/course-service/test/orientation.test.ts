import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDb, type Sql } from '@eduspry/common';
import { createEvent } from '@eduspry/contracts';
import { appendToOutbox, createEventBus, type EventBus, startOutboxRelay } from '@eduspry/event-bus';
import { subscribeToUserEvents } from '../src/consumers/users.ts';
import { outboxEvents } from '../src/events.ts';
import { type Harness, harness, type User } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const registered = (tenantId: string, userId: string) =>
  createEvent('user.authentication.user_registered', {
    tenantId,
    data: {
      userId,
      tenantId,
      email: `${userId}@example.org`,
      roles: ['student'],
      registeredAt: new Date().toISOString(),
    },
  });

/** As auth-service does it: the event goes into identity.outbox with the user's creation. */
async function register(auth: Sql, tenantId: string, userId: string) {
  const event = registered(tenantId, userId);
  await auth.begin((tx) => appendToOutbox(tx, { schema: 'identity', key: userId, event }));
  return event;
}

async function endToEnd(kafkaBrokers: string | undefined) {
  const tenant = await h.newTenant();
  const admin: User = await h.user(['tenant_admin'], tenant);
  const orientation = await h.call(admin, 'POST', '/courses', {
    code: 'WELCOME',
    title: 'Welcome to the district',
    autoEnrollOnRegistration: true,
  });
  assert.equal(orientation.status, 201, JSON.stringify(orientation.body));
  await h.call(admin, 'PATCH', `/courses/${orientation.body.id}`, { state: 'published' });
  const other = await h.call(admin, 'POST', '/courses', { code: 'OTHER', title: 'Not orientation' });
  await h.call(admin, 'PATCH', `/courses/${other.body.id}`, { state: 'published' });

  const auth = createDb(process.env.AUTH_SERVICE_DATABASE_URL!, {
    applicationName: 'eduspry-test-auth',
    max: 4,
  });
  const course = createDb(process.env.COURSE_SERVICE_DATABASE_URL!, {
    applicationName: 'eduspry-test-course-bus',
    max: 6,
  });
  const buses: EventBus[] = [
    createEventBus({ sql: auth, service: 'auth-service', kafkaBrokers: kafkaBrokers ?? '' }),
    createEventBus({ sql: course, service: 'course-service', kafkaBrokers: kafkaBrokers ?? '' }),
  ];
  const relay = startOutboxRelay({ sql: auth, schema: 'identity', bus: buses[0]!, pollIntervalMs: 100 });
  const subscription = await subscribeToUserEvents(buses[1]!, outboxEvents);
  try {
    const userId = crypto.randomUUID();
    const event = await register(auth, tenant.id, userId);
    const enrolled = await waitFor('orientation enrolment', async () => {
      const [row] = await h.admin`
        select role, status from course.enrollments where course_id = ${orientation.body.id} and user_id = ${userId}`;
      return row;
    });
    assert.deepEqual({ ...enrolled }, { role: 'student', status: 'active' });
    const [elsewhere] =
      await h.admin`select 1 from course.enrollments where course_id = ${other.body.id} and user_id = ${userId}`;
    assert.equal(elsewhere, undefined, 'only orientation courses auto-enrol');

    // Redelivery of the same event (same eventId) changes nothing and emits nothing more. An
    // event published after it on the same key is handled after it, so once that one has been
    // processed the redelivered one has been seen.
    const next = registered(tenant.id, crypto.randomUUID());
    await buses[0]!.publish([
      { topic: 'eduspry.user', key: userId, event, headers: {} },
      { topic: 'eduspry.user', key: userId, event: next, headers: {} },
    ]);
    await waitFor('the event published after the redelivered one', async () => {
      const [row] = await h.admin`
        select 1 as seen from course.processed_events
        where consumer_group = 'course-service' and event_id = ${next.eventId}`;
      return row;
    });
    const changes = (await h.events(tenant.id)).filter((e) => e.userId === userId);
    assert.deepEqual(changes, [{ userId, courseId: orientation.body.id, action: 'enrolled' }]);
  } finally {
    await subscription.stop();
    await relay.stop();
    await Promise.all(buses.map((bus) => bus.close()));
    await Promise.all([auth.end(), course.end()]);
  }
}

test('a registered user is enrolled in the tenant’s orientation course through the Postgres event log', () =>
  endToEnd(undefined));

test(
  'a registered user is enrolled in the tenant’s orientation course through Kafka',
  { skip: !process.env.KAFKA_BROKERS && 'KAFKA_BROKERS not set' },
  () => endToEnd(process.env.KAFKA_BROKERS),
);

test('only tenant admins choose the orientation course', async () => {
  const instructor = await h.user(['instructor']);
  const refused = await h.call(instructor, 'POST', '/courses', {
    code: 'SNEAKY',
    title: 'x',
    autoEnrollOnRegistration: true,
  });
  assert.equal(refused.status, 403);
});
