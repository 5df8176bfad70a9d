// The servers the content benchmarks run, each in its own process. `course`: course-service's
// gRPC CheckAccess server. `service`: content-service's HTTP app over local storage
// (BENCH_STORAGE_ROOT) asking that server (BENCH_COURSE_GRPC; answers cached per user and item
// for 5 s, as in production). `bare`: node:http streaming the files of BENCH_FILES from disk,
// with Range, nothing else: the ceiling.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createDb, createTokenVerifier } from '@eduspry/common';
import { createLocalStorage } from '@eduspry/storage';
import { createLocalJWKSet } from 'jose';
import { buildApp } from '../../services/content-service/src/app.ts';
import { readConfig } from '../../services/content-service/src/config.ts';
import { createAuthenticator } from '../../services/course-service/src/auth.ts';
import { startGrpcServer } from '../../services/course-service/src/grpc/server.ts';

const ready = (port: number) => process.send?.({ port });
const exitOn = (close: () => Promise<unknown>) =>
  process.on('SIGTERM', () => {
    setTimeout(() => process.exit(0), 2000).unref();
    close().finally(() => process.exit(0));
  });

if (process.argv[2] === 'bare') {
  const files = JSON.parse(process.env.BENCH_FILES!) as Record<string, string>;
  const server = createServer((request, response) => {
    const path = files[new URL(request.url ?? '/', 'http://x').pathname];
    if (!path) return response.writeHead(404).end();
    const size = statSync(path).size;
    const range = /^bytes=(\d+)-(\d+)$/.exec(String(request.headers.range ?? ''));
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), size - 1);
      response.writeHead(206, {
        'content-type': 'application/pdf',
        'content-length': end - start + 1,
        'content-range': `bytes ${start}-${end}/${size}`,
      });
      return createReadStream(path, { start, end }).pipe(response);
    }
    response.writeHead(200, { 'content-type': 'application/pdf', 'content-length': size });
    createReadStream(path).pipe(response);
  });
  server.listen(0, '127.0.0.1', () => ready((server.address() as { port: number }).port));
  exitOn(() => new Promise((resolve) => server.close(resolve)));
} else if (process.argv[2] === 'course') {
  const courseSql = createDb(process.env.COURSE_SERVICE_DATABASE_URL!, {
    applicationName: 'bench-course',
    max: 4,
  });
  const grpc = await startGrpcServer({
    sql: courseSql,
    authenticate: createAuthenticator({
      jwks: JSON.parse(process.env.BENCH_JWKS!),
      issuer: process.env.BENCH_ISSUER!,
      audience: 'eduspry',
    }),
    host: '127.0.0.1',
    port: 0,
  });
  ready(grpc.port);
  exitOn(async () => {
    await grpc.close();
    await courseSql.end({ timeout: 1 });
  });
} else {
  const jwks = JSON.parse(process.env.BENCH_JWKS!);
  const issuer = process.env.BENCH_ISSUER!;
  const sql = createDb(process.env.CONTENT_SERVICE_DATABASE_URL!, {
    applicationName: 'bench-content',
    max: 10,
  });
  const config = readConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: process.env.CONTENT_SERVICE_DATABASE_URL!,
    COURSE_SERVICE_GRPC: process.env.BENCH_COURSE_GRPC!,
    CONTENT_SIGNING_SECRET: process.env.BENCH_SIGNING_SECRET!,
    CONTENT_UPLOAD_DIR: process.env.BENCH_UPLOAD_DIR!,
    CONTENT_PUBLIC_URL: 'http://127.0.0.1',
    CONTENT_DEFAULT_MAX_FILE_BYTES: String(4 * 1024 ** 3),
  });
  const { app } = await buildApp({
    sql,
    config,
    storage: createLocalStorage({ root: process.env.BENCH_STORAGE_ROOT! }),
    verifier: createTokenVerifier({ getKey: createLocalJWKSet(jwks), issuer, audience: 'eduspry' }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  ready((app.server.address() as { port: number }).port);
  // Peak resident memory, sampled every 50 ms, on request (the upload memory measurement).
  let peakRss = process.memoryUsage().rss;
  setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50).unref();
  process.on('message', (message) => {
    if (message === 'rss') process.send?.({ rss: process.memoryUsage().rss, peakRss });
  });
  exitOn(async () => {
    await app.close();
    await sql.end({ timeout: 1 });
  });
}
