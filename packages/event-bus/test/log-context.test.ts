import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { adminDb, createTestTenant } from '@eduspry/common/testing';
import { appendToOutbox, createEventBus, startOutboxRelay } from '@eduspry/event-bus';
import { createLogger } from '@eduspry/logging';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Registry } from 'prom-client';
import { busTestDb, numberedEvent, uniqueTopic, waitFor } from './helpers.ts';

const admin = adminDb();
const sql = busTestDb(4);
before(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
after(() => Promise.all([admin.end(), sql.end()]));

test("a consumer's log lines carry the event's tenant and the producer's trace, like a request's", async () => {
  const tenant = await createTestTenant(admin);
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: 'notification-service',
    level: 'warn',
    destination: new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    }),
  });
  const registry = new Registry();
  const bus = createEventBus({ sql, service: 'notification-service', kafkaBrokers: '', registry, logger });
  const topic = uniqueTopic();
  const traceparent = `00-${'12'.repeat(16)}-${'34'.repeat(8)}-01`;
  const event = numberedEvent(tenant.id, randomUUID(), 1);
  await sql.begin(async (tx) => {
    await appendToOutbox(tx, { schema: 'notification', key: event.data.userId, event, topic });
    await tx`update notification.outbox set headers = ${tx.json({ traceparent })} where event_id = ${event.eventId}`;
  });
  const subscription = await bus.subscribe({
    group: `test-${randomUUID()}`,
    topics: [topic],
    schema: 'notification',
    handler: async () => {
      logger.warn({ step: 'handling' }, 'handled an event');
    },
  });
  const relay = startOutboxRelay({ sql, schema: 'notification', bus, logger, pollIntervalMs: 100, registry });
  try {
    const line = await waitFor('the handler to log', async () =>
      lines.find((entry) => entry.message === 'handled an event'),
    );
    assert.equal(line.tenantId, tenant.id);
    assert.equal(line.traceId, '12'.repeat(16));
    assert.equal(line.userId, null, 'no user is made up for a consumer');
  } finally {
    await relay.stop();
    await subscription.stop();
    await bus.close();
  }
});
