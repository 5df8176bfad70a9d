// Access checks per second, course-service over gRPC, in the same run:
//   unary: CheckAccess calls, UNARY_CONCURRENCY in flight (what content-service did per item);
//   stream: the same checks over ONE CheckAccessStream, STREAM_WINDOW in flight (the server
//   batches what arrives together into one transaction).
// Each asks about one of ITEMS items of a course a student is enrolled in (a file listing's
// questions). Reports checks/s of both, the ratio (goal ≥ 3) and p50/p99 per check.

import { createDb } from '@eduspry/common';
import * as grpc from '@grpc/grpc-js';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { loadCourseProto } from '../services/course-service/src/grpc/server.ts';
import { DURATION, ratio, report, serveInChild } from './lib/measure.ts';

const ISSUER = 'https://auth.bench.eduspry';
const TENANT = '00000000-0000-4000-8000-00000000ac01';
const COURSE = '00000000-0000-4000-8000-00000000ac02';
const MODULE = '00000000-0000-4000-8000-00000000ac03';
const STUDENT = '00000000-0000-4000-8000-00000000ac05';
const ITEMS = 100;
const UNARY_CONCURRENCY = 32;
const STREAM_WINDOW = 256;
const progress = (step: string) => process.stderr.write(`grpc-access: ${step}\n`);

const items = Array.from({ length: ITEMS }, () => crypto.randomUUID());
const admin = createDb(process.env.DATABASE_URL!, { applicationName: 'bench-grpc-access-setup', max: 1 });
await admin`insert into identity.tenants (id, slug, name) values (${TENANT}, 'bench-grpc-access', 'Bench')`;
await admin`insert into course.courses (id, tenant_id, code, title, state) values (${COURSE}, ${TENANT}, 'BENCH-G', 'Bench', 'published')`;
await admin`insert into course.modules (id, tenant_id, course_id, position, title, published) values (${MODULE}, ${TENANT}, ${COURSE}, 0, 'M', true)`;
for (const [position, id] of items.entries())
  await admin`
    insert into course.items (id, tenant_id, course_id, module_id, position, kind, title, file_id, published)
    values (${id}, ${TENANT}, ${COURSE}, ${MODULE}, ${position}, 'file', 'Handout', ${id}, true)`;
await admin`
  insert into course.enrollments (tenant_id, course_id, user_id, role, status)
  values (${TENANT}, ${COURSE}, ${STUDENT}, 'student', 'active')`;
await admin.end();

const keys = await generateKeyPair('ES256');
const jwks = { keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'bench', alg: 'ES256' }] };
const token = await new SignJWT({
  role: 'authenticated',
  app_metadata: { tenant_id: TENANT, roles: ['student'] },
})
  .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
  .setSubject(STUDENT)
  .setIssuer(ISSUER)
  .setAudience('eduspry')
  .setIssuedAt()
  .setExpirationTime('1h')
  .sign(keys.privateKey);

const course = await serveInChild(new URL('./lib/content-servers.ts', import.meta.url).pathname, ['course'], {
  ...process.env,
  BENCH_JWKS: JSON.stringify(jwks),
  BENCH_ISSUER: ISSUER,
});
const { CourseAccess } = loadCourseProto();
type Answer = { id?: string; allowed: boolean; reason: string; code?: number };
const client = new CourseAccess(
  `127.0.0.1:${course.port}`,
  grpc.credentials.createInsecure(),
) as unknown as grpc.Client & {
  CheckAccess(
    request: object,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: (error: grpc.ServiceError | null, answer: Answer) => void,
  ): void;
  CheckAccessStream(
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
  ): grpc.ClientDuplexStream<object, Answer>;
};
const metadata = new grpc.Metadata();
metadata.set('authorization', `Bearer ${token}`);

function summary(latencies: number[], seconds: number, failures: number) {
  if (failures) throw new Error(`${failures} checks failed or were denied under load`);
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 100) / 100;
  return { checksPerSecond: Math.round(latencies.length / seconds), p50Ms: at(0.5), p99Ms: at(0.99) };
}

async function unary(durationS: number) {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const until = performance.now() + durationS * 1000;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < until) {
      const itemId = items[next++ % ITEMS]!;
      const sent = performance.now();
      const answer = await new Promise<Answer | null>((resolve) =>
        client.CheckAccess(
          { course_id: COURSE, item_id: itemId },
          metadata,
          { deadline: Date.now() + 5000 },
          (error, response) => resolve(error ? null : response),
        ),
      );
      if (!answer?.allowed) failures++;
      else latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: UNARY_CONCURRENCY }, worker));
  return summary(latencies, (performance.now() - started) / 1000, failures);
}

async function streamed(durationS: number) {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const sentAt = new Map<string, number>();
  const stream = client.CheckAccessStream(metadata, { deadline: Date.now() + (durationS + 30) * 1000 });
  const started = performance.now();
  const until = started + durationS * 1000;
  const send = () => {
    const id = String(next++);
    sentAt.set(id, performance.now());
    stream.write({ id, course_id: COURSE, item_id: items[next % ITEMS] });
  };
  const done = new Promise<void>((resolve, reject) => {
    stream.on('data', (answer: Answer) => {
      const sent = sentAt.get(answer.id!);
      sentAt.delete(answer.id!);
      if (sent === undefined || answer.code || !answer.allowed) failures++;
      else latencies.push(performance.now() - sent);
      if (performance.now() < until) send();
      else if (sentAt.size === 0) stream.end();
    });
    stream.on('status', (status: grpc.StatusObject) =>
      status.code === grpc.status.OK ? resolve() : reject(new Error(`stream ended: ${status.details}`)),
    );
    stream.on('error', () => {});
  });
  for (let i = 0; i < STREAM_WINDOW; i++) send();
  await done;
  return summary(latencies, (performance.now() - started) / 1000, failures);
}

try {
  progress('warming up');
  await unary(1);
  await streamed(1);
  progress(`unary CheckAccess, ${UNARY_CONCURRENCY} in flight, ${DURATION}s`);
  const unaryResult = await unary(DURATION);
  progress(`one CheckAccessStream, ${STREAM_WINDOW} in flight, ${DURATION}s`);
  const streamResult = await streamed(DURATION);
  report({
    benchmark: 'grpc-access',
    items: ITEMS,
    unary: { ...unaryResult, inFlight: UNARY_CONCURRENCY },
    stream: { ...streamResult, inFlight: STREAM_WINDOW },
    ratio: ratio(streamResult.checksPerSecond, unaryResult.checksPerSecond),
    goal: 3,
  });
} finally {
  client.close();
  await course.stop();
}
