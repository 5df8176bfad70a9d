// course-service's HTTP app in its own process for bench/course-list.ts: real JWT verification
// (ES256 against the JWKS passed in BENCH_JWKS), real withTenant + RLS, its own pool.
import { createDb } from '@eduspry/common';
import { buildApp } from '../../services/course-service/src/app.ts';
import { createAuthenticator } from '../../services/course-service/src/auth.ts';
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
const app = await buildApp({ sql, events: outboxEvents, authenticate });
await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ port: (app.server.address() as { port: number }).port });
process.on('SIGTERM', () => {
  // Exit even if closing hangs or fails: the benchmark waits for this process to end.
  setTimeout(() => process.exit(0), 2000).unref();
  app
    .close()
    .then(() => sql.end({ timeout: 1 }))
    .finally(() => process.exit(0));
});
