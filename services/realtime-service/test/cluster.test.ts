import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { type ClusterBus, postgresBus, redisBus } from '../src/cluster/bus.ts';
import {
  client,
  SERVICE_KEY,
  sleep,
  startServer,
  subscribed,
  type TestServer,
  testAuth,
  waitFor,
} from './helpers.ts';

const auth = await testAuth();
const silent = { error() {} };
const engines: { name: string; bus?: (sql: TestServer['sql']) => Promise<ClusterBus>; skip?: string }[] = [
  { name: 'Postgres LISTEN/NOTIFY', bus: (sql) => postgresBus(sql, silent) },
  process.env.REDIS_URL
    ? { name: 'Redis pub/sub', bus: () => redisBus(process.env.REDIS_URL!, silent) }
    : { name: 'Redis pub/sub', skip: 'REDIS_URL is not set' },
];
const clients: { disconnect(): unknown }[] = [];
after(() => {
  for (const c of clients) c.disconnect();
});

for (const engine of engines) {
  test(`${engine.name}: broadcasts and presence cross instances, tenants stay apart`, {
    skip: engine.skip ?? false,
  }, async () => {
    const bus = engine.bus!;
    const [a, b] = [await startServer(auth, { bus }), await startServer(auth, { bus })];
    const late: TestServer[] = [];
    try {
      const tenantId = randomUUID();
      const room = `shared-${randomUUID()}`;
      const onA = client(a, await auth.tokenFor(tenantId));
      const onB = client(b, await auth.tokenFor(tenantId));
      const otherTenantOnB = client(b, await auth.tokenFor(randomUUID()));
      clients.push(onA, onB, otherTenantOnB);
      const gotA: unknown[] = [];
      const gotB: unknown[] = [];
      const gotOther: unknown[] = [];
      const chA = onA.channel(room, { config: { presence: { key: 'on-a' } } });
      chA.on('broadcast', { event: 'm' }, (message) => gotA.push(message));
      chA.on('presence', { event: 'sync' }, () => {});
      const chB = onB.channel(room, { config: { presence: { key: 'on-b' } } });
      chB.on('broadcast', { event: 'm' }, (message) => gotB.push(message));
      chB.on('presence', { event: 'sync' }, () => {});
      const chOther = otherTenantOnB.channel(room, { config: { presence: { key: 'other' } } });
      chOther.on('broadcast', { event: 'm' }, (message) => gotOther.push(message));
      chOther.on('presence', { event: 'sync' }, () => {});
      await Promise.all([subscribed(chA), subscribed(chB), subscribed(chOther)]);

      await chA.send({ type: 'broadcast', event: 'm', payload: { from: 'a', big: 'x'.repeat(10_000) } });
      await waitFor(
        'B receives what was sent on A (large enough to be parked on Postgres)',
        () => gotB.length === 1,
      );
      const response = await fetch(`${b.httpUrl}/api/broadcast`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SERVICE_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          messages: [{ topic: room, event: 'm', payload: { from: 'service' }, tenant_id: tenantId }],
        }),
      });
      assert.equal(response.status, 202);
      await waitFor('A receives the service broadcast sent to B', () => gotA.length === 1);

      await chA.track({ where: 'a' });
      await waitFor('B sees A present', () => (chB.presenceState() as Record<string, unknown>)['on-a']);
      const c = await startServer(auth, { bus });
      late.push(c);
      const onC = client(c, await auth.tokenFor(tenantId));
      clients.push(onC);
      const chC = onC.channel(room);
      chC.on('presence', { event: 'sync' }, () => {});
      await sleep(300); // the new instance's snapshot request is answered
      await subscribed(chC);
      await waitFor(
        'an instance started later learns existing presence',
        () => (chC.presenceState() as Record<string, unknown>)['on-a'],
      );

      await chA.untrack();
      await waitFor('B sees A leave', () => !(chB.presenceState() as Record<string, unknown>)['on-a']);
      await sleep(200);
      assert.deepEqual(gotOther, []);
      assert.deepEqual(Object.keys(chOther.presenceState()), []);
    } finally {
      for (const server of [a, b, ...late]) await server.close();
    }
  });
}
