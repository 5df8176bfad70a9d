import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import { serviceDb } from '@eduspry/common/testing';
import { createEvent, type EventEnvelope } from '@eduspry/contracts';
import { Webhook } from 'standardwebhooks';
import { queueEventForWebhooks } from '../src/domain/webhooks.ts';
import { WebhookDispatcher } from '../src/webhooks/dispatcher.ts';
import { type Harness, harness, type Receiver, startReceiver, type User, until } from './helpers.ts';

const receivers: Receiver[] = [];
async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

function enrollment(tenantId: string, courseId = randomUUID()): EventEnvelope {
  return createEvent('course.management.enrollment_changed', {
    tenantId,
    data: { userId: randomUUID(), courseId, action: 'enrolled', timestamp: new Date().toISOString() },
  });
}

describe('outgoing webhooks', () => {
  let h: Harness;
  let admin: User;
  let allowed: Receiver[];
  before(async () => {
    // Receivers listen on 127.0.0.1: each is allowed explicitly, by port, for this test file only.
    allowed = await Promise.all([
      receiver(),
      receiver(),
      receiver(),
      receiver(),
      receiver(),
      receiver(),
      receiver(),
    ]);
    h = await harness({
      WEBHOOK_ALLOW_PRIVATE: allowed.map((r) => `127.0.0.1:${r.port}`).join(','),
      WEBHOOK_TIMEOUT_MS: '1500',
      WEBHOOK_RETRY_INITIAL_MS: '5000',
      // Capped at 2 minutes so that a recovered receiver is retried within the walks below whatever
      // the jitter drew (uncapped, the 8th retry may fall anywhere in 10.6–21 minutes).
      WEBHOOK_RETRY_MAX_MS: '120000',
      WEBHOOK_DISABLE_AFTER_MS: String(60 * 60_000),
      WEBHOOK_CONCURRENCY: '16',
    });
    admin = await h.user(['tenant_admin']);
  });
  afterEach(() => {
    h.clock.set(new Date());
  });
  after(async () => {
    await h.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  async function register(r: Receiver, body: Record<string, unknown> = {}, who = admin) {
    const response = await h.call(who, 'POST', '/webhooks/endpoints', {
      url: `${r.url}/hooks`,
      eventTypes: ['course.management.enrollment_changed'],
      description: 'SIS',
      ...body,
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body as { id: string; secret: string };
  }

  const queue = (event: EventEnvelope, key = (event.data as { courseId: string }).courseId) =>
    h.sql.begin((tx) => queueEventForWebhooks(h.ctx, tx, event, key, h.clock.now()));

  test('tenant admins register endpoints; others and unsafe URLs are refused, and the refusal is logged', async () => {
    const student = await h.user();
    const denied = await h.call(student, 'POST', '/webhooks/endpoints', {
      url: `${allowed[0]!.url}/x`,
      eventTypes: ['*'],
    });
    assert.equal(denied.status, 403);
    const warnings: unknown[] = [];
    const log = h.ctx.log;
    h.ctx.log = { ...log, warn: (fields: unknown) => void warnings.push(fields) } as never;
    try {
      for (const url of [
        'http://127.0.0.1:9/',
        'http://169.254.169.254/',
        'http://[::ffff:127.0.0.1]/',
        'http://2130706433/',
      ]) {
        const response = await h.call(admin, 'POST', '/webhooks/endpoints', { url, eventTypes: ['*'] });
        assert.equal(response.status, 422, url);
        assert.equal(response.body.type.endsWith('/unsafe-url'), true);
      }
    } finally {
      h.ctx.log = log;
    }
    assert.equal(warnings.length, 4);
    for (const body of [
      { url: 'x', eventTypes: ['*'] },
      { url: 'http://a.example/', eventTypes: [] },
      { url: 'http://a.example/', eventTypes: ['bad type!'] },
      { url: 'http://a.example/', eventTypes: ['*'], description: 'a\u0000' },
    ]) {
      assert.equal((await h.call(admin, 'POST', '/webhooks/endpoints', body)).status, 400);
    }
    const other = await h.newTenant();
    const otherAdmin = await h.user(['tenant_admin'], other);
    const mine = await register(allowed[0]!, { eventTypes: ['user.*'] });
    assert.equal((await h.call(otherAdmin, 'GET', `/webhooks/endpoints/${mine.id}`)).status, 404);
    assert.equal((await h.call(otherAdmin, 'GET', '/webhooks/endpoints')).body.items.length, 0);
    assert.equal((await h.call(admin, 'DELETE', `/webhooks/endpoints/${mine.id}`)).status, 204);
  });

  test('a delivery is the event envelope, signed per Standard Webhooks and verifiable with standardwebhooks', async () => {
    const r = allowed[1]!;
    const endpoint = await register(r);
    const event = enrollment(h.tenant.id);
    assert.equal(await queue(event), 1);
    assert.equal(await queue(event), 0, 'the same event queues no second delivery');
    await new WebhookDispatcher(h.ctx).runUntilIdle();
    assert.equal(r.requests.length, 1);
    const [request] = r.requests;
    const verified = new Webhook(endpoint.secret).verify(
      request!.body,
      request!.headers as Record<string, string>,
    );
    assert.deepEqual(verified, event);
    assert.equal(request!.headers['webhook-id'], `msg_${event.eventId}`);
    assert.equal(request!.headers['content-type'], 'application/json');
    // Another tenant's event never reaches this endpoint.
    const other = await h.newTenant();
    assert.equal(await queue(enrollment(other.id)), 0);
    const log = await h.call(admin, 'GET', `/webhooks/endpoints/${endpoint.id}/deliveries`);
    assert.equal(log.body.items[0].status, 'succeeded');
    const detail = await h.call(
      admin,
      'GET',
      `/webhooks/endpoints/${endpoint.id}/deliveries/${log.body.items[0].id}`,
    );
    assert.equal(detail.body.log.length, 1);
    assert.equal(detail.body.log[0].statusCode, 200);
    assert.equal(detail.body.log[0].responseExcerpt, 'ok');
    assert.equal(typeof detail.body.log[0].latencyMs, 'number');
    // Replay: the same message (same webhook-id) again.
    const replayed = await h.call(
      admin,
      'POST',
      `/webhooks/endpoints/${endpoint.id}/deliveries/${log.body.items[0].id}/replay`,
    );
    assert.equal(replayed.status, 202);
    await new WebhookDispatcher(h.ctx).runUntilIdle();
    assert.equal(r.requests.length, 2);
    assert.equal(r.requests[1]!.headers['webhook-id'], `msg_${event.eventId}`);
    await h.call(admin, 'DELETE', `/webhooks/endpoints/${endpoint.id}`);
  });

  test('a rotated secret signs beside the new one during the overlap, then stops', async () => {
    const r = allowed[2]!;
    const endpoint = await register(r);
    const rotated = await h.call(admin, 'POST', `/webhooks/endpoints/${endpoint.id}/rotate-secret`, {
      overlapSeconds: 3600,
    });
    assert.equal(rotated.status, 200);
    await queue(enrollment(h.tenant.id));
    await new WebhookDispatcher(h.ctx).runUntilIdle();
    const during = r.requests.at(-1)!;
    assert.equal(String(during.headers['webhook-signature']).split(' ').length, 2);
    for (const secret of [endpoint.secret, rotated.body.secret])
      assert.ok(new Webhook(secret).verify(during.body, during.headers as Record<string, string>));
    h.clock.advance(3601_000);
    await queue(enrollment(h.tenant.id));
    await new WebhookDispatcher(h.ctx).runUntilIdle();
    const afterOverlap = r.requests.at(-1)!;
    assert.ok(
      new Webhook(rotated.body.secret).verify(
        afterOverlap.body,
        afterOverlap.headers as Record<string, string>,
      ),
    );
    assert.throws(() =>
      new Webhook(endpoint.secret).verify(afterOverlap.body, afterOverlap.headers as Record<string, string>),
    );
    await h.call(admin, 'DELETE', `/webhooks/endpoints/${endpoint.id}`);
  });

  test('receiver down for 10 minutes, then up: every event arrives, duplicates share their webhook-id, all verify', async () => {
    const r = allowed[3]!;
    const endpoint = await register(r);
    const start = h.clock.now().getTime();
    const upAt = start + 10 * 60_000;
    r.respond = (_request, response) => {
      response
        .writeHead(h.clock.now().getTime() < upAt ? 503 : 200)
        .end(h.clock.now().getTime() < upAt ? 'down' : 'ok');
    };
    const events = Array.from({ length: 5 }, () => enrollment(h.tenant.id));
    for (const event of events) await queue(event);
    const dispatcher = new WebhookDispatcher(h.ctx);
    // A controllable clock: 15 s steps through 20 minutes of the receiver's outage and recovery.
    for (let step = 0; step < 80; step++) {
      await dispatcher.runUntilIdle();
      h.clock.advance(15_000);
    }
    await dispatcher.runUntilIdle();
    const delivered = new Set(
      r.requests.filter((q) => q.at && q.headers['webhook-id']).map((q) => q.headers['webhook-id']),
    );
    assert.deepEqual([...delivered].sort(), events.map((e) => `msg_${e.eventId}`).sort());
    assert.ok(r.requests.length > events.length, 'there were retries');
    for (const request of r.requests)
      assert.ok(new Webhook(endpoint.secret).verify(request.body, request.headers as Record<string, string>));
    const log = (await h.call(admin, 'GET', `/webhooks/endpoints/${endpoint.id}/deliveries`)).body.items;
    assert.ok(log.every((d: { status: string }) => d.status === 'succeeded'));
    assert.ok(log.every((d: { attempts: number }) => d.attempts > 1));
    r.respond = (_request, response) => void response.writeHead(200).end('ok');
    await h.call(admin, 'DELETE', `/webhooks/endpoints/${endpoint.id}`);
  });

  test('an endpoint failing for the configured period is disabled and its tenant admins notified', async () => {
    const r = allowed[4]!;
    r.respond = (_request, response) => void response.writeHead(500).end('broken');
    const endpoint = await register(r);
    await queue(enrollment(h.tenant.id));
    const dispatcher = new WebhookDispatcher(h.ctx);
    for (
      let step = 0;
      step < 60 &&
      (await h.call(admin, 'GET', `/webhooks/endpoints/${endpoint.id}`)).body.status === 'active';
      step++
    ) {
      await dispatcher.runUntilIdle();
      h.clock.advance(5 * 60_000);
    }
    const disabled = (await h.call(admin, 'GET', `/webhooks/endpoints/${endpoint.id}`)).body;
    assert.equal(disabled.status, 'disabled');
    assert.match(disabled.disabledReason, /failing since/);
    const inbox = (await h.call(admin, 'GET', '/notifications')).body.items;
    assert.ok(
      inbox.some(
        (n: { category: string; data: { endpointId: string } }) =>
          n.category === 'webhooks' && n.data.endpointId === endpoint.id,
      ),
    );
    // Re-enabled by an admin, it delivers again.
    r.respond = (_request, response) => void response.writeHead(200).end('ok');
    const enabled = await h.call(admin, 'PATCH', `/webhooks/endpoints/${endpoint.id}`, { status: 'active' });
    assert.equal(enabled.body.status, 'active');
    await h.call(admin, 'DELETE', `/webhooks/endpoints/${endpoint.id}`);
  });

  test('an ordered endpoint gets one aggregate’s events one at a time and in order', async () => {
    const r = allowed[5]!;
    let inFlight = 0;
    let overlapped = false;
    let failFirst = true;
    r.respond = async (_request, response) => {
      inFlight++;
      if (inFlight > 1) overlapped = true;
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      const status = failFirst ? 500 : 200;
      failFirst = false;
      response.writeHead(status).end();
    };
    const endpoint = await register(r, { ordered: true });
    const courseId = randomUUID();
    const events = Array.from({ length: 4 }, () => enrollment(h.tenant.id, courseId));
    for (const event of events) await queue(event);
    const dispatcher = new WebhookDispatcher(h.ctx);
    for (let step = 0; step < 20; step++) {
      await dispatcher.runUntilIdle();
      h.clock.advance(10_000);
    }
    const ids = r.requests.map((q) => q.headers['webhook-id']);
    assert.deepEqual(
      [...new Set(ids)],
      events.map((e) => `msg_${e.eventId}`),
    );
    assert.equal(ids[0], ids[1], 'the failed first event was retried before the second went out');
    assert.equal(overlapped, false);
    await h.call(admin, 'DELETE', `/webhooks/endpoints/${endpoint.id}`);
  });

  test('a slow receiver and a 10 MB receiver do not stall a healthy endpoint', async () => {
    const [slow, huge, healthy] = [await receiver(), await receiver(), allowed[6]!];
    slow.respond = () => {}; // never answers: the 3 s timeout ends it
    huge.respond = (_request, response) => {
      response.writeHead(200);
      const chunk = Buffer.alloc(256 * 1024, 97);
      let sent = 0;
      const write = () => {
        while (sent < 10 * 1024 * 1024) {
          sent += chunk.length;
          if (!response.write(chunk)) return response.once('drain', write);
        }
        response.end();
      };
      write();
    };
    const h2 = await harness({
      WEBHOOK_ALLOW_PRIVATE: [slow, huge, healthy].map((r) => `127.0.0.1:${r.port}`).join(','),
      // Long enough that a healthy endpoint slowed by a loaded machine still finishes well inside.
      WEBHOOK_TIMEOUT_MS: '3000',
      WEBHOOK_CONCURRENCY: '16',
    });
    try {
      const admin2 = await h2.user(['tenant_admin']);
      for (const r of [slow, huge, healthy]) {
        const response = await h2.call(admin2, 'POST', '/webhooks/endpoints', {
          url: `${r.url}/in`,
          eventTypes: ['*'],
        });
        assert.equal(response.status, 201);
      }
      const events = Array.from({ length: 20 }, () => enrollment(h2.tenant.id));
      for (const event of events)
        await h2.sql.begin((tx) => queueEventForWebhooks(h2.ctx, tx, event, randomUUID(), h2.clock.now()));
      const dispatcher = new WebhookDispatcher(h2.ctx);
      const started = Date.now();
      const running = dispatcher.runUntilIdle();
      await until(async () => healthy.requests.length >= 20, 30_000);
      const healthyDone = Date.now() - started;
      const slowTriedByThen = slow.requests.length;
      await running;
      const slowDone = Date.now() - started;
      // The slow endpoint holds at most its share of the slots, in waves of 3 s timeouts (5 waves);
      // the healthy one is not queued behind them: it is done while slow deliveries still wait for
      // a slot. Counted, not timed, so a loaded machine (which stretches every wave) does not fail it.
      assert.ok(slowDone >= 14_000, `the slow endpoint was done after ${slowDone} ms`);
      assert.ok(
        slowTriedByThen < 20,
        `healthy endpoint done in ${healthyDone} ms, after all ${slowTriedByThen} slow deliveries were tried (slow done after ${slowDone} ms)`,
      );
      const log = await h2.sql<{ status: string; last_status_code: number | null; url: string }[]>`
        select d.status, d.last_status_code, e.url from notification.webhook_deliveries d
        join notification.webhook_endpoints e on e.id = d.endpoint_id where d.tenant_id = ${h2.tenant.id}`;
      assert.ok(log.filter((d) => d.url.startsWith(huge.url)).every((d) => d.status === 'succeeded'));
      assert.ok(
        log
          .filter((d) => d.url.startsWith(slow.url))
          .every((d) => d.status === 'pending' && d.last_status_code === null),
      );
      const attempt = await h2.sql<{ response_excerpt: string }[]>`
        select a.response_excerpt from notification.webhook_attempts a
        join notification.webhook_deliveries d on d.id = a.delivery_id
        join notification.webhook_endpoints e on e.id = d.endpoint_id where e.url like ${`${huge.url}%`} limit 1`;
      assert.ok(attempt[0]!.response_excerpt.length <= 1024);
      // Their deliveries would otherwise stay pending for the next test's dispatchers.
      await h2.sql`delete from notification.webhook_endpoints where tenant_id = ${h2.tenant.id}`;
    } finally {
      await h2.close();
    }
  });

  test('a dispatcher killed mid-stream loses nothing: its leases expire and the same webhook-ids go out again', async () => {
    const r = await receiver();
    const hold: (() => void)[] = [];
    r.respond = (_request, response) => {
      hold.push(() => response.writeHead(200).end());
    };
    const h3 = await harness({ WEBHOOK_ALLOW_PRIVATE: `127.0.0.1:${r.port}`, WEBHOOK_TIMEOUT_MS: '5000' });
    const doomed = serviceDb('notification-service');
    try {
      const admin3 = await h3.user(['tenant_admin']);
      const created = await h3.call(admin3, 'POST', '/webhooks/endpoints', {
        url: `${r.url}/in`,
        eventTypes: ['*'],
      });
      const events = Array.from({ length: 3 }, () => enrollment(h3.tenant.id));
      for (const event of events)
        await h3.sql.begin((tx) => queueEventForWebhooks(h3.ctx, tx, event, randomUUID(), h3.clock.now()));
      // The first dispatcher claims all three, then dies: its database connection goes away
      // before it can record anything.
      const first = new WebhookDispatcher({
        ...h3.ctx,
        sql: doomed,
        log: { ...h3.ctx.log, error: () => {} } as never,
      });
      assert.ok((await first.tick()) >= 3);
      await until(async () => r.requests.length === 3);
      await doomed.end({ timeout: 0 });
      for (const release of hold.splice(0)) release();
      await first.drain();
      r.respond = (_request, response) => void response.writeHead(200).end('ok');
      const second = new WebhookDispatcher(h3.ctx);
      await second.runUntilIdle();
      assert.equal(r.requests.length, 3, 'nothing is sent again while the leases hold');
      h3.clock.advance(60_000);
      await second.runUntilIdle();
      const ids = r.requests.map((q) => q.headers['webhook-id']);
      assert.equal(ids.length, 6);
      assert.deepEqual([...new Set(ids)].sort(), events.map((e) => `msg_${e.eventId}`).sort());
      const statuses = await h3.call(admin3, 'GET', `/webhooks/endpoints/${created.body.id}/deliveries`);
      assert.ok(statuses.body.items.every((d: { status: string }) => d.status === 'succeeded'));
    } finally {
      await h3.close();
    }
  });
});
