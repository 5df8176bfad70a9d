import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEvent } from '@eduspry/contracts';
import { createEventBus } from '@eduspry/event-bus';
import { Harness } from './harness.ts';

const h = new Harness();
before(() => h.start());
after(() => h.stop());

function startConsumer(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [new URL('./fixtures/consumer.ts', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`consumer exited ${code}`)));
  });
}

const attempts = async (tenantId: string) => {
  const [row] = await h.admin<{ n: number; raw: number }[]>`
    select coalesce((select sum(attempts_submitted) from analytics.daily_activity where tenant_id = ${tenantId}), 0)::int as n,
      (select count(*) from analytics.events where tenant_id = ${tenantId})::int as raw`;
  return row!;
};

test('killing the consumer mid-stream and restarting it loses no event and counts none twice', async () => {
  const tenantId = await h.tenant();
  const courseId = randomUUID();
  const total = 1500;
  const bus = createEventBus({ sql: h.sql, service: 'analytics-test-producer', kafkaBrokers: '' });
  const records = Array.from({ length: total }, (_, i) => {
    const at = new Date(Date.now() - (i % 48) * 3600_000).toISOString();
    const event = createEvent('assessment.attempt.submitted', {
      tenantId,
      data: {
        attemptId: randomUUID(),
        quizId: randomUUID(),
        courseId,
        userId: randomUUID(),
        attemptNumber: 1,
        submittedAt: at,
        autoSubmitted: false,
        score: 1,
        pointsPossible: 2,
        gradingState: 'complete',
      },
      timestamp: at,
    });
    return { topic: 'eduspry.assessment', key: event.data.attemptId, event, headers: {} };
  });
  let consumer = await startConsumer();
  try {
    for (let i = 0; i < total; i += 100) await bus.publish(records.slice(i, i + 100));
    // Kill it (no goodbye, no graceful stop) once it is part-way through.
    for (let seen = 0; ; await sleep(20)) {
      seen = (await attempts(tenantId)).n;
      if (seen > 0) break;
    }
    consumer.kill('SIGKILL');
    await once(consumer, 'exit');
    const atKill = (await attempts(tenantId)).n;
    assert.ok(atKill < total, `killed after ${atKill} of ${total}: not mid-stream`);
    // A relay that crashed after publishing publishes some events again.
    await bus.publish(records.slice(0, 200));
    consumer = await startConsumer();
    const deadline = Date.now() + 60_000;
    while ((await attempts(tenantId)).n < total && Date.now() < deadline) await sleep(100);
    await sleep(500);
    assert.deepEqual(await attempts(tenantId), { n: total, raw: total });
  } finally {
    consumer.kill('SIGKILL');
    await bus.close();
  }
});
