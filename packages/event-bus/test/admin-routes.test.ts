import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createServiceApp, type TenantClaims, unauthorized, useTokenVerifier } from '@eduspry/common';
import { adminDb, claimsFor, createTestTenant } from '@eduspry/common/testing';
import { type BusReport, busAdminRoutes, createEventBus, startOutboxRelay } from '@eduspry/event-bus';
import { Registry } from 'prom-client';
import { BUS_SCHEMA, busTestDb, createBusTestSchema, fillOutbox, uniqueTopic, waitFor } from './helpers.ts';

const admin = adminDb();
const sql = busTestDb();
before(() => createBusTestSchema(admin));
after(() => Promise.all([admin.end(), sql.end()]));

const silent = { info() {}, warn() {}, error() {} };

/** A service app with the bus admin routes, and tokens that are simply the caller's role. */
async function appWith(bus: ReturnType<typeof createEventBus>, registry: Registry, tenantId: string) {
  const app = await createServiceApp({ name: 'bus-admin-test' });
  useTokenVerifier(app, {
    async verify(token): Promise<TenantClaims> {
      if (!['super_admin', 'tenant_admin'].includes(token))
        throw unauthorized('The access token is not valid');
      return claimsFor(tenantId, [token]);
    },
  });
  await app.register(busAdminRoutes, { bus, schema: BUS_SCHEMA, service: 'bus-admin-test', registry });
  return app;
}

test('the super admin sees the bus, its groups with lag and a dead letter, and replays it; a tenant admin gets 403', async () => {
  const tenant = await createTestTenant(admin);
  const topic = uniqueTopic();
  const group = `test-admin-${randomUUID()}`;
  const registry = new Registry();
  const bus = createEventBus({ sql, service: 'bus-admin-test', kafkaBrokers: '', logger: silent, registry });
  const events = await fillOutbox(sql, { tenantId: tenant.id, topic, count: 3, keys: 1, perTx: 3 });
  const poison = events[1]!;
  let healed = false;
  const subscription = await bus.subscribe({
    group,
    topics: [topic],
    schema: BUS_SCHEMA,
    retry: { maxAttempts: 2, initialDelayMs: 5 },
    handler: async (event) => {
      if (event.eventId === poison.eventId && !healed) throw new Error('poisoned on purpose');
    },
  });
  const relay = startOutboxRelay({ sql, schema: BUS_SCHEMA, bus, logger: silent, pollIntervalMs: 50 });
  const app = await appWith(bus, registry, tenant.id);
  const as = (role: string) => ({ authorization: `Bearer ${role}` });
  try {
    await waitFor(
      'the dead letter',
      async () => (await bus.listDeadLetters({ schema: BUS_SCHEMA, group })).length === 1,
    );

    assert.equal((await app.inject({ url: '/admin/bus' })).statusCode, 401);
    const forbidden = await app.inject({ url: '/admin/bus', headers: as('tenant_admin') });
    assert.equal(forbidden.statusCode, 403);
    assert.equal(forbidden.headers['content-type'], 'application/problem+json; charset=utf-8');

    const answer = await app.inject({ url: '/admin/bus', headers: as('super_admin') });
    assert.equal(answer.statusCode, 200, answer.body);
    const report = answer.json<BusReport>();
    assert.equal(report.kind, 'postgres');
    assert.equal(report.service, 'bus-admin-test');
    const mine = report.groups.find((g) => g.group === group);
    assert.deepEqual(mine?.topics, [topic]);
    assert.equal(mine?.deadLetters, 1);
    assert.equal(mine?.lag[0]?.topic, topic);
    assert.equal(typeof mine?.lag[0]?.lag, 'number');
    const letter = report.deadLetters.find((l) => l.consumerGroup === group);
    assert.equal(letter?.eventId, poison.eventId);
    assert.match(letter?.error ?? '', /poisoned on purpose/);

    const replayUrl = `/admin/bus/dead-letters/${letter!.id}/replay`;
    const tenantReplay = await app.inject({ method: 'POST', url: replayUrl, headers: as('tenant_admin') });
    assert.equal(tenantReplay.statusCode, 403);
    // Still poisoned: the replay fails again, answered as a problem, and the letter stays.
    const failed = await app.inject({ method: 'POST', url: replayUrl, headers: as('super_admin') });
    assert.equal(failed.statusCode, 422);
    assert.equal(failed.json().type, 'https://eduspry.dev/problems/dead-letter-failed');
    healed = true;
    const replayed = await app.inject({ method: 'POST', url: replayUrl, headers: as('super_admin') });
    assert.equal(replayed.statusCode, 200, replayed.body);
    assert.deepEqual(replayed.json(), { id: letter!.id, replayed: true });
    assert.deepEqual(await bus.listDeadLetters({ schema: BUS_SCHEMA, group }), []);
    const again = await app.inject({ method: 'POST', url: replayUrl, headers: as('super_admin') });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().type, 'https://eduspry.dev/problems/dead-letter-replayed');
  } finally {
    await app.close();
    await relay.stop();
    await subscription.stop();
    await bus.close();
  }
});

test('replaying an unknown or malformed dead letter id is a 4xx problem, never a 5xx', async () => {
  const tenant = await createTestTenant(admin);
  const registry = new Registry();
  const bus = createEventBus({ sql, service: 'bus-admin-test', kafkaBrokers: '', logger: silent, registry });
  const app = await appWith(bus, registry, tenant.id);
  const headers = { authorization: 'Bearer super_admin' };
  try {
    const missing = await app.inject({
      method: 'POST',
      url: '/admin/bus/dead-letters/999999999/replay',
      headers,
    });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().type, 'https://eduspry.dev/problems/dead-letter-not-found');
    for (const id of ['abc', '0', '-1', '1e400', '9'.repeat(40)]) {
      const bad = await app.inject({ method: 'POST', url: `/admin/bus/dead-letters/${id}/replay`, headers });
      assert.equal(bad.statusCode, 400, `${id}: ${bad.body}`);
    }
  } finally {
    await app.close();
    await bus.close();
  }
});
