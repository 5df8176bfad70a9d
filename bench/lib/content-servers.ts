// The servers the content benchmarks run beside content-service (which runs as it ships,
// bench/lib/platform-service.ts), each in its own process. `course`: course-service's gRPC
// CheckAccess server. `bare`: node:http streaming the files of BENCH_FILES from disk, with Range,
// nothing else: the ceiling.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createDb } from '@eduspry/common';
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
}
