// The two servers bench/realtime compares: `bare` is the ceiling (a plain `ws` server that fans
// each published text frame out to every other socket), `realtime` is realtime-service itself.
import { createServer } from 'node:http';
import { createDb, createTokenVerifier } from '@eduspry/common';
import { createLogger } from '@eduspry/logging';
import { importJWK, type JWK } from 'jose';
import { WebSocketServer } from 'ws';
import { buildApp } from '../../services/realtime-service/src/app.ts';
import { memoryBus } from '../../services/realtime-service/src/cluster/bus.ts';

const kind = process.argv[2];
const ready = (port: number) => process.send?.({ port });
const memory = () => {
  globalThis.gc?.();
  return process.memoryUsage().rss;
};
process.on('message', (message) => {
  if ((message as { ask?: string }).ask === 'memory') process.send?.({ rss: memory() });
});

if (kind === 'bare') {
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      for (const other of wss.clients) if (other !== ws) other.send(data, { binary: isBinary });
    });
  });
  server.listen(0, '127.0.0.1', () => ready((server.address() as { port: number }).port));
  process.on('SIGTERM', () => {
    for (const ws of wss.clients) ws.terminate();
    server.close(() => process.exit(0));
  });
} else {
  const key = await importJWK(JSON.parse(process.env.BENCH_PUBLIC_JWK!) as JWK, 'EdDSA');
  const sql = createDb(process.env.REALTIME_SERVICE_DATABASE_URL!, {
    applicationName: 'bench-realtime',
    max: 20,
  });
  const realtime = await buildApp({
    sql,
    logger: createLogger({ service: 'realtime-service', level: 'warn' }),
    tokenVerifier: createTokenVerifier({ getKey: async () => key, issuer: 'bench', audience: 'eduspry' }),
    bus: memoryBus(),
    serviceKey: 'bench-service-key-0123456789',
    limits: {
      maxChannelsPerSocket: 10,
      maxMessagesPerSecond: 1000,
      maxPresencesPerChannel: 10_000,
      idleTimeoutMs: 600_000,
    },
  });
  await realtime.startChanges();
  await realtime.app.listen({ port: 0, host: '127.0.0.1' });
  ready((realtime.app.server.address() as { port: number }).port);
  process.on('SIGTERM', () =>
    realtime
      .close()
      .then(() => sql.end())
      .then(() => process.exit(0)),
  );
}
