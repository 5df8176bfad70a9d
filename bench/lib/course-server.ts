// The two servers bench/course-list.ts runs, each in its own process against its own pool:
// `service` is course-service's HTTP app; `bare` is node:http doing the same work by hand
// (the same verification, withTenant + RLS, catalog query and course shape, no framework).
// Both verify ES256 tokens against the JWKS in BENCH_JWKS.
import { createServer } from 'node:http';
import { createDb, withTenant } from '@eduspry/common';
import { buildApp } from '../../services/course-service/src/app.ts';
import { createAuthenticator } from '../../services/course-service/src/auth.ts';
import { listCourses } from '../../services/course-service/src/db/courses.ts';
import { toCourse } from '../../services/course-service/src/domain/courses.ts';
import { viewerOf } from '../../services/course-service/src/domain/rules.ts';
import { outboxEvents } from '../../services/course-service/src/events.ts';

const sql = createDb(process.env.COURSE_SERVICE_DATABASE_URL!, {
  applicationName: 'bench-course-service',
  max: Number(process.env.BENCH_POOL ?? 10),
});
const authenticate = createAuthenticator({
  jwks: JSON.parse(process.env.BENCH_JWKS!),
  issuer: process.env.BENCH_ISSUER!,
  audience: 'eduspry',
});
const ready = (address: unknown) => process.send?.({ port: (address as { port: number }).port });
// Exit even if closing hangs or fails: the benchmark waits for this process to end.
const exitOn = (close: () => Promise<unknown>) =>
  process.on('SIGTERM', () => {
    setTimeout(() => process.exit(0), 2000).unref();
    close()
      .then(() => sql.end({ timeout: 1 }))
      .finally(() => process.exit(0));
  });

if (process.argv[2] === 'bare') {
  // GET /courses?enrolled=true&limit=20 only: the benchmark's one request.
  const server = createServer(async (request, response) => {
    try {
      const claims = await authenticate(request.headers.authorization);
      const rows = await withTenant(sql, claims, (tx) =>
        listCourses(tx, viewerOf(claims), { enrolled: true, limit: 21 }),
      );
      const body = JSON.stringify({ items: rows.slice(0, 20).map(toCourse), nextCursor: null });
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
    } catch {
      response.writeHead(500).end(); // every token here is valid: any failure is the server's
    }
  });
  server.listen(0, '127.0.0.1', () => ready(server.address()));
  exitOn(() => new Promise((resolve) => server.close(resolve)));
} else {
  const app = await buildApp({ sql, events: outboxEvents, authenticate });
  await app.listen({ port: 0, host: '127.0.0.1' });
  ready(app.server.address());
  exitOn(() => app.close());
}
