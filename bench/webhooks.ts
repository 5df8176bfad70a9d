// Outgoing webhook deliveries per second (notification-service's dispatcher: claim from the
// deliveries table, sign per Standard Webhooks, SSRF-checked and pinned POST, record the attempt)
// vs a bare undici POST loop to the same local receiver at the same concurrency, in the same run,
// and vs the same dispatcher over a network that answers at once (its database work alone).
// Then an announcement fanned out into a 1,000-student course's inboxes: latency until every
// inbox has it (the fan-out commits before the request answers), p50/p99.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createDb, createTokenVerifier } from '@eduspry/common';
import { createEvent } from '@eduspry/contracts';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Agent, request } from 'undici';
import { buildApp } from '../services/notification-service/src/app.ts';
import { readConfig } from '../services/notification-service/src/config.ts';
import { queueEventForWebhooks } from '../services/notification-service/src/domain/webhooks.ts';
import { WebhookDispatcher } from '../services/notification-service/src/webhooks/dispatcher.ts';
import { DURATION, ratio, report, serveInChild } from './lib/measure.ts';

const CONCURRENCY = Number(process.env.BENCH_WEBHOOK_CONCURRENCY ?? 32);
const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 1000);
const ANNOUNCEMENTS = Number(process.env.BENCH_ANNOUNCEMENTS ?? 20);

const receiver = await serveInChild(new URL('./lib/webhook-receiver.ts', import.meta.url).pathname);
const admin = createDb(process.env.DATABASE_URL!, { applicationName: 'bench-webhooks-admin', max: 4 });
const sql = createDb(process.env.NOTIFICATION_SERVICE_DATABASE_URL!, {
  applicationName: 'bench-notification',
  max: 20,
});
const body = JSON.stringify(
  createEvent('course.management.enrollment_changed', {
    tenantId: randomUUID(),
    data: {
      userId: randomUUID(),
      courseId: randomUUID(),
      action: 'enrolled',
      timestamp: new Date().toISOString(),
    },
  }),
);

try {
  // The ceiling: undici POSTs in a loop, CONCURRENCY at a time, for DURATION seconds.
  const agent = new Agent({ connections: CONCURRENCY });
  const url = `http://127.0.0.1:${receiver.port}/hooks`;
  let bare = 0;
  const until = performance.now() + DURATION * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const response = await request(url, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
          dispatcher: agent,
        });
        await response.body.dump();
        bare++;
      }
    }),
  );
  await agent.close();
  const bareRate = bare / DURATION;

  // The service: as many deliveries as the ceiling did in the same time, queued by the consumer's
  // own code, then worked by the dispatcher until none is left.
  const config = readConfig({
    ...process.env,
    NODE_ENV: 'development', // the explicit private-address allowance is refused in production
    DATABASE_URL: process.env.NOTIFICATION_SERVICE_DATABASE_URL,
    WEBHOOK_ALLOW_PRIVATE: `127.0.0.1:${receiver.port}`,
    WEBHOOK_CONCURRENCY: String(CONCURRENCY),
    LOG_LEVEL: 'warn',
  });
  const keys = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'bench', alg: 'ES256' };
  const verifier = createTokenVerifier({
    getKey: createLocalJWKSet({ keys: [jwk] }),
    issuer: 'bench',
    audience: 'eduspry',
  });
  const { app, ctx } = await buildApp({ sql, config, verifier });
  const [tenant] = await admin<{ id: string }[]>`
    insert into identity.tenants (slug, name) values (${`bench-${randomUUID().slice(0, 8)}`}, 'Bench') returning id`;
  const tenantId = tenant!.id;
  // Webhook mode: a sixth of the per-endpoint share each, so several endpoints fill the slots.
  const endpoints = Math.max(4, Math.ceil(CONCURRENCY / Math.ceil(CONCURRENCY / 4)));
  for (let i = 0; i < endpoints; i++) {
    const [endpoint] = await sql<{ id: string }[]>`
      insert into notification.webhook_endpoints (tenant_id, url, event_types)
      values (${tenantId}, ${`${url}?e=${i}`}, ${['*']}) returning id`;
    await sql`insert into notification.webhook_secrets (tenant_id, endpoint_id, secret)
              values (${tenantId}, ${endpoint!.id}, ${`whsec_${Buffer.from(randomUUID()).toString('base64')}`})`;
  }
  const events = Math.max(200, Math.round((bareRate * DURATION) / endpoints));
  // Queues `events` events for every endpoint (the consumer's own code), works them with a
  // dispatcher on `context` until none is left, and returns the deliveries per second.
  const dispatchAll = async (context: typeof ctx) => {
    await sql.begin(async (tx) => {
      for (let i = 0; i < events; i++) {
        const event = createEvent('course.management.enrollment_changed', {
          tenantId,
          data: {
            userId: randomUUID(),
            courseId: randomUUID(),
            action: 'enrolled',
            timestamp: new Date().toISOString(),
          },
        });
        await queueEventForWebhooks(ctx, tx, event, event.data.courseId, new Date());
      }
    });
    const dispatcher = new WebhookDispatcher(context);
    const started = performance.now();
    await dispatcher.runUntilIdle();
    const seconds = (performance.now() - started) / 1000;
    const [counts] = await sql<{ pending: number }[]>`
      select count(*)::int as pending from notification.webhook_deliveries
      where tenant_id = ${tenantId} and status <> 'succeeded'`;
    if (counts!.pending) throw new Error(`${counts!.pending} deliveries were not delivered`);
    return { deliveries: events * endpoints, perSecond: (events * endpoints) / seconds };
  };
  const service = await dispatchAll(ctx);
  // The dispatcher's own ceiling in the same run: the same claims, signatures and recorded
  // attempts with a network that answers 200 at once, so what is left is the database's work.
  const noNetwork = await dispatchAll({
    ...ctx,
    http: {
      send: async () => ({ status: 200, headers: {}, body: Buffer.alloc(0), truncated: false }),
    } as unknown as typeof ctx.http,
  });

  // Fan-out: a course of STUDENTS students (rosters as the enrollment consumer keeps them).
  const courseId = randomUUID();
  const teacherId = randomUUID();
  const students = Array.from({ length: STUDENTS }, () => randomUUID());
  await sql`insert into notification.recipients ${sql(
    [teacherId, ...students].map((user_id, index) => ({
      user_id,
      tenant_id: tenantId,
      email: `u${index}@bench.example`,
      roles: index === 0 ? ['instructor'] : ['student'],
    })) as never,
  )}`;
  await sql`insert into notification.course_members ${sql(
    [teacherId, ...students].map((user_id) => ({
      tenant_id: tenantId,
      course_id: courseId,
      user_id,
    })) as never,
  )}`;
  const token = await new SignJWT({
    role: 'authenticated',
    app_metadata: { tenant_id: tenantId, roles: ['instructor'] },
  })
    .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
    .setSubject(teacherId)
    .setIssuer('bench')
    .setAudience('eduspry')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(keys.privateKey);
  const latencies: number[] = [];
  for (let i = 0; i < ANNOUNCEMENTS; i++) {
    const t0 = performance.now();
    const response = await app.inject({
      method: 'POST',
      url: `/courses/${courseId}/announcements`,
      headers: { authorization: `Bearer ${token}` },
      payload: { title: `Announcement ${i}`, body: 'Bench' },
    });
    latencies.push(performance.now() - t0);
    if (response.statusCode !== 201 || response.json().recipients !== STUDENTS)
      throw new Error(`announcement failed: ${response.statusCode} ${response.body}`);
  }
  const [inboxes] = await sql<{ complete: number }[]>`
    select count(*)::int as complete from (
      select user_id from notification.notifications
      where tenant_id = ${tenantId} and category = 'announcement' group by user_id having count(*) = ${ANNOUNCEMENTS}) as full_inboxes`;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! * 10) /
    10;
  await app.close();
  report({
    benchmark: 'webhooks',
    ceiling: 'bare undici POST loop, same receiver and concurrency',
    concurrency: CONCURRENCY,
    deliveriesPerSecond: Math.round(service.perSecond),
    bareRequestsPerSecond: Math.round(bareRate),
    ratio: ratio(service.perSecond, bareRate),
    deliveries: service.deliveries,
    dispatcherWithoutNetwork: {
      deliveriesPerSecond: Math.round(noNetwork.perSecond),
      ratio: ratio(service.perSecond, noNetwork.perSecond),
    },
    fanOut: {
      students: STUDENTS,
      announcements: ANNOUNCEMENTS,
      everyInboxComplete: inboxes!.complete === STUDENTS,
      p50Ms: pct(50),
      p99Ms: pct(99),
    },
  });
} finally {
  await receiver.stop();
  await Promise.all([sql.end(), admin.end()]);
}
