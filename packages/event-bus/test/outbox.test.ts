import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { withTenant } from '@eduspry/common';
import { adminDb, claimsFor, createTestTenant, serviceDb } from '@eduspry/common/testing';
import { createEvent, EventValidationError } from '@eduspry/contracts';
import { appendToOutbox } from '@eduspry/event-bus';

const admin = adminDb();
const auth = serviceDb('auth-service');
after(() => Promise.all([admin.end(), auth.end()]));

function registered(tenantId: string, overrides: Record<string, unknown> = {}) {
  const userId = randomUUID();
  return createEvent('user.authentication.user_registered', {
    tenantId,
    data: {
      userId,
      tenantId,
      email: `${userId}@example.org`,
      roles: ['student'],
      registeredAt: new Date().toISOString(),
      ...overrides,
    },
  });
}

test('writes the event in the caller transaction as the service role, with topic, key and trace context', async () => {
  const tenant = await createTestTenant(admin);
  const event = registered(tenant.id);
  // Read back inside the caller's transaction: once it commits, a relay of any platform sharing
  // this test database may publish (and stamp) the row at once.
  const row = await auth.begin(async (tx) => {
    await appendToOutbox(tx, { schema: 'identity', key: event.data.userId, event });
    const [written] = await tx`select * from identity.outbox where event_id = ${event.eventId}`;
    return written;
  });
  assert.equal(row?.topic, 'eduspry.user');
  assert.equal(row?.key, event.data.userId);
  assert.equal(row?.event_type, 'user.authentication.user_registered');
  assert.deepEqual(row?.payload, event);
  assert.match(row?.headers.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  assert.equal(row?.published_at, null);
  const [committed] = await admin`select 1 as found from identity.outbox where event_id = ${event.eventId}`;
  assert.equal(committed?.found, 1, 'the event committed with the transaction');
});

test('a rolled-back change leaves no event behind', async () => {
  const tenant = await createTestTenant(admin);
  const event = registered(tenant.id);
  await assert.rejects(
    auth.begin(async (tx) => {
      await appendToOutbox(tx, { schema: 'identity', key: event.data.userId, event });
      throw new Error('the change failed');
    }),
    /the change failed/,
  );
  assert.equal((await admin`select 1 from identity.outbox where event_id = ${event.eventId}`).length, 0);
});

test('appends as `authenticated` under withTenant for the own tenant, never for another tenant', async () => {
  const tenant = await createTestTenant(admin);
  const other = await createTestTenant(admin);
  const claims = claimsFor(tenant.id, ['tenant_admin']);
  const own = registered(tenant.id);
  await withTenant(auth, claims, (tx) => appendToOutbox(tx, { schema: 'identity', key: 'k', event: own }));
  assert.equal((await admin`select 1 from identity.outbox where event_id = ${own.eventId}`).length, 1);

  const forged = registered(other.id);
  await assert.rejects(
    withTenant(auth, claims, (tx) => appendToOutbox(tx, { schema: 'identity', key: 'k', event: forged })),
    /row-level security/,
  );
  await assert.rejects(
    withTenant(auth, claims, (tx) => tx`select * from identity.outbox`),
    /permission denied/,
    'a user request may append but not read the outbox',
  );
});

test('an event that fails its schema is refused naming the field, and nothing is written', async () => {
  const tenant = await createTestTenant(admin);
  const event = registered(tenant.id);
  const broken = { ...event, data: { ...event.data, roles: 'student' } };
  await assert.rejects(
    auth.begin((tx) => appendToOutbox(tx, { schema: 'identity', key: 'k', event: broken as never })),
    (error: unknown) => error instanceof EventValidationError && error.field === 'data.roles',
  );
  assert.equal((await admin`select 1 from identity.outbox where tenant_id = ${tenant.id}`).length, 0);
});

test("a service role cannot write another service's outbox", async () => {
  const tenant = await createTestTenant(admin);
  const event = createEvent('course.management.enrollment_changed', {
    tenantId: tenant.id,
    data: {
      userId: randomUUID(),
      courseId: randomUUID(),
      action: 'enrolled',
      timestamp: new Date().toISOString(),
    },
  });
  await assert.rejects(
    auth.begin((tx) => appendToOutbox(tx, { schema: 'course', key: event.data.courseId, event })),
    /permission denied/,
  );
});
