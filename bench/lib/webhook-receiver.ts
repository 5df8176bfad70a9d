// The receiver bench/webhooks.ts posts to: node:http answering 200 with a short body, in its own
// process so it does not share an event loop with the senders.
import { createServer } from 'node:http';

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
});
server.keepAliveTimeout = 10_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as { port: number }).port }));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
