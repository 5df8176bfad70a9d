// The servers bench/quiz-burst.ts runs, each in its own process: `course-grpc` is
// course-service's gRPC CheckAccess; `assessment` is assessment-service's HTTP app asking it.
// Both verify ES256 tokens against the JWKS in BENCH_JWKS.
import { createDb, createTokenVerifier } from '@eduspry/common';
import { createLocalJWKSet } from 'jose';
import { buildApp } from '../../services/assessment-service/src/app.ts';
import { grpcCourseAccess } from '../../services/assessment-service/src/grpc/course-access.ts';
import { createAuthenticator } from '../../services/course-service/src/auth.ts';
import { startGrpcServer } from '../../services/course-service/src/grpc/server.ts';

const jwks = JSON.parse(process.env.BENCH_JWKS!);
const issuer = process.env.BENCH_ISSUER!;
const exitOn = (close: () => Promise<unknown>) =>
  process.on('SIGTERM', () => {
    setTimeout(() => process.exit(0), 2000).unref();
    close().finally(() => process.exit(0));
  });

if (process.argv[2] === 'course-grpc') {
  const sql = createDb(process.env.COURSE_SERVICE_DATABASE_URL!, {
    applicationName: 'bench-course-grpc',
    max: 10,
  });
  const authenticate = createAuthenticator({ jwks, issuer, audience: 'eduspry' });
  const server = await startGrpcServer({ sql, authenticate, host: '127.0.0.1', port: 0 });
  process.send?.({ port: server.port });
  exitOn(async () => {
    await server.close();
    await sql.end({ timeout: 1 });
  });
} else {
  const sql = createDb(process.env.ASSESSMENT_SERVICE_DATABASE_URL!, {
    applicationName: 'bench-assessment-service',
    max: Number(process.env.BENCH_POOL ?? 20),
  });
  const courses = grpcCourseAccess({
    address: process.env.BENCH_COURSE_GRPC!,
    timeoutMs: 5000,
    cacheSeconds: 20,
  });
  const { app } = await buildApp({
    sql,
    courses,
    verifier: createTokenVerifier({ getKey: createLocalJWKSet(jwks), issuer, audience: 'eduspry' }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send?.({ port: (app.server.address() as { port: number }).port });
  exitOn(async () => {
    await app.close();
    courses.close();
    await sql.end({ timeout: 1 });
  });
}
