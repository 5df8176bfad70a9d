import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createEventBus, type EventBus, type Subscription } from '@eduspry/event-bus';
import { type Json, type Platform, startPlatform } from './helpers.ts';

// auth-service and course-service are up (course-service with its bus routes); the other
// upstreams point at port 9 (discard), which refuses connections: they are "down".
const DOWN = 'http://127.0.0.1:9';
let p: Platform;
let bus: EventBus;
let subscription: Subscription;
const group = `gw-health-${randomUUID().slice(0, 8)}`;
const handled: string[] = [];
before(async () => {
  p = await startPlatform(
    {
      LOGGING_SERVICE_URL: DOWN,
      CONTENT_SERVICE_URL: DOWN,
      ASSESSMENT_SERVICE_URL: DOWN,
      NOTIFICATION_SERVICE_URL: DOWN,
      ANALYTICS_SERVICE_URL: DOWN,
      REALTIME_SERVICE_URL: DOWN,
    },
    {
      courseEventBus: (sql) => {
        bus = createEventBus({ sql, service: 'course-service', kafkaBrokers: '' });
        return bus;
      },
    },
  );
  subscription = await bus.subscribe({
    group,
    topics: [`eduspry.gw-health-${randomUUID().slice(0, 8)}`],
    schema: 'course',
    handler: async (event) => {
      handled.push(event.eventId);
    },
  });
});
after(async () => {
  await subscription?.stop();
  await bus?.close();
  await p?.close();
});

test('a tenant admin gets 403 on the platform health and on a service bus, through the gateway', async () => {
  const tenantAdmin = await p.user(await p.tenant(), ['tenant_admin']);
  const headers = { authorization: `Bearer ${tenantAdmin.token}` };
  const health = await p.gateway.inject({ url: '/platform/health', headers });
  assert.equal(health.statusCode, 403);
  assert.equal(health.headers['content-type'], 'application/problem+json; charset=utf-8');
  assert.equal((await p.gateway.inject({ url: '/platform/health' })).statusCode, 401);
  const busReport = await p.gateway.inject({ url: '/api/course-service/admin/bus', headers });
  assert.equal(busReport.statusCode, 403);
  const replay = await p.gateway.inject({
    method: 'POST',
    url: '/api/course-service/admin/bus/dead-letters/1/replay',
    headers,
  });
  assert.equal(replay.statusCode, 403);
});

test('the super admin sees every service, a down one as not ready, and replays a dead letter', async () => {
  const tenant = await p.tenant();
  const superAdmin = await p.user(tenant, ['super_admin']);
  const headers = { authorization: `Bearer ${superAdmin.token}` };
  // Parked as a consumer parks it: the envelope as it arrived (the replay does not validate it again).
  const event = {
    eventId: randomUUID(),
    tenantId: tenant.id,
    timestamp: new Date().toISOString(),
    eventType: 'user.authentication.user_deactivated',
    version: 1,
    data: { userId: randomUUID() },
  };
  const [letter] = await p.admin<{ id: string }[]>`
    insert into course.dead_letters (consumer_group, topic, key, event_id, event_type, version, tenant_id, payload, headers, error, attempts)
    values (${group}, 'eduspry.user', ${tenant.id}, ${event.eventId}, ${event.eventType}, 1, ${tenant.id},
            ${p.admin.json(event as never)}, ${p.admin.json({})}, 'Error: failed on purpose', 5)
    returning id`;

  const answer = await p.gateway.inject({ url: '/platform/health', headers });
  assert.equal(answer.statusCode, 200, answer.body);
  const health: Json = answer.json();
  assert.equal(health.ready, false);
  const byName = Object.fromEntries(health.services.map((s: Json) => [s.service, s]));
  assert.equal(byName['auth-service'].ready, true);
  assert.equal(byName['auth-service'].checks.postgres, 'ok');
  assert.equal(byName['logging-service'].ready, false);
  assert.equal(byName['logging-service'].status, null);
  assert.equal(byName['logging-service'].reason, 'unreachable');
  assert.equal(byName['logging-service'].bus, null);
  const course = byName['course-service'];
  assert.equal(course.ready, true);
  assert.equal(course.bus.kind, 'postgres');
  const mine = course.bus.groups.find((g: Json) => g.group === group);
  assert.equal(mine.deadLetters, 1);
  const dead = course.bus.deadLetters.find((d: Json) => d.id === Number(letter!.id));
  assert.equal(dead.eventId, event.eventId);
  assert.equal(dead.error, 'Error: failed on purpose');

  const replay = await p.gateway.inject({
    method: 'POST',
    url: `/api/course-service/admin/bus/dead-letters/${letter!.id}/replay`,
    headers,
  });
  assert.equal(replay.statusCode, 200, replay.body);
  assert.deepEqual(handled, [event.eventId]);
  const [row] = await p.admin<{ replayed_at: Date | null }[]>`
    select replayed_at from course.dead_letters where id = ${letter!.id}`;
  assert.ok(row?.replayed_at);
  const again = await p.gateway.inject({
    method: 'POST',
    url: `/api/course-service/admin/bus/dead-letters/${letter!.id}/replay`,
    headers,
  });
  assert.equal(again.statusCode, 409);
});
