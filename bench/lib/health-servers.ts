// The two servers the /health benchmark compares: `bare` is the ceiling (node:http
// answering the same JSON), `kit` is an EduSpry service built with createServiceApp.
import { createServer } from 'node:http';
import { createServiceApp } from '@eduspry/common';

const kind = process.argv[2];
const ready = (port: number) => process.send?.({ port });

if (kind === 'bare') {
  const body = JSON.stringify({ status: 'ok', service: 'bare' });
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
  });
  server.listen(0, '127.0.0.1', () => ready((server.address() as { port: number }).port));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
} else {
  const app = await createServiceApp({ name: 'bench-service' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  ready((app.server.address() as { port: number }).port);
  process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
}
