// Course files delivered, end to end, each compared in the same run with bare node:http
// streaming the same bytes from disk:
// content-service runs as it ships (its main file and Node options, bench/lib/platform-service.ts).
//   1. a 50 MB file through content-service (token verified, CheckAccess over gRPC, cached;
//      RLS lookup; local storage stream) — throughput in MB/s;
//   2. a 100 KB file by signed URL (HMAC check, lookup, stream) — GETs/s;
//   3. 64 KB Range requests at random offsets of the 50 MB file under load — p99 latency
//      (a 64 KB answer's last byte comes right after its first: this is first-byte latency).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '@eduspry/common';
import autocannon from 'autocannon';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { startContentPlatform } from './lib/content-platform.ts';
import { DURATION, ratio, report, serveInChild } from './lib/measure.ts';

const ISSUER = 'https://auth.bench.eduspry';
const TENANT = '00000000-0000-4000-8000-0000000c0de1';
const COURSE = '00000000-0000-4000-8000-0000000c0de2';
const MODULE = '00000000-0000-4000-8000-0000000c0de3';
const ITEM = '00000000-0000-4000-8000-0000000c0de4';
const STUDENT = '00000000-0000-4000-8000-0000000c0de5';
const TEACHER = '00000000-0000-4000-8000-0000000c0de6';
const BIG = 50 * 1024 * 1024;
const SMALL = 100 * 1024;
const progress = (step: string) => process.stderr.write(`content-delivery: ${step}\n`);

const admin = createDb(process.env.DATABASE_URL!, { applicationName: 'bench-content-setup', max: 1 });
await admin`insert into identity.tenants (id, slug, name) values (${TENANT}, 'bench-content', 'Bench')`;
await admin`insert into course.courses (id, tenant_id, code, title, state) values (${COURSE}, ${TENANT}, 'BENCH-C', 'Bench', 'published')`;
await admin`insert into course.modules (id, tenant_id, course_id, position, title, published) values (${MODULE}, ${TENANT}, ${COURSE}, 0, 'M', true)`;
await admin`
  insert into course.items (id, tenant_id, course_id, module_id, position, kind, title, file_id, published)
  values (${ITEM}, ${TENANT}, ${COURSE}, ${MODULE}, 0, 'file', 'Video', ${ITEM}, true)`;
await admin`
  insert into course.enrollments (tenant_id, course_id, user_id, role, status)
  values (${TENANT}, ${COURSE}, ${STUDENT}, 'student', 'active'), (${TENANT}, ${COURSE}, ${TEACHER}, 'teacher', 'active')`;
await admin.end();

const keys = await generateKeyPair('ES256');
const jwks = { keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'bench', alg: 'ES256' }] };
const tokenOf = (sub: string, roles: string[]) =>
  new SignJWT({ role: 'authenticated', app_metadata: { tenant_id: TENANT, roles } })
    .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience('eduspry')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(keys.privateKey);
const student = await tokenOf(STUDENT, ['student']);
const teacher = await tokenOf(TEACHER, ['instructor']);

const storageRoot = await mkdtemp(join(tmpdir(), 'eduspry-bench-storage-'));
const uploadDir = await mkdtemp(join(tmpdir(), 'eduspry-bench-uploads-'));
const service = await startContentPlatform({
  jwks,
  issuer: ISSUER,
  storageRoot: storageRoot,
  uploadDir: uploadDir,
});
const base = service.url;

async function upload(bytes: number, name: string) {
  const data = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(bytes - 9)]);
  const form = new FormData();
  form.append('file', new Blob([data]), name);
  const answer = await fetch(`${base}/courses/${COURSE}/files?itemId=${ITEM}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${teacher}` },
    body: form,
  });
  const file = (await answer.json()) as { id: string; sizeBytes: number };
  if (answer.status !== 201 || file.sizeBytes !== bytes) throw new Error(`upload answered ${answer.status}`);
  return { ...file, path: join(storageRoot, TENANT, COURSE, file.id, 'v1') };
}

async function load(
  url: string,
  options: { connections: number; headers?: Record<string, string>; range?: number },
) {
  await autocannon({ url, connections: options.connections, duration: 1, headers: options.headers ?? {} });
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: DURATION,
    headers: options.headers ?? {},
    ...(options.range
      ? {
          requests: [
            {
              setupRequest: (request) => {
                const start = Math.floor(Math.random() * (BIG - options.range!));
                return {
                  ...request,
                  headers: { ...request.headers, range: `bytes=${start}-${start + options.range! - 1}` },
                };
              },
            },
          ],
        }
      : {}),
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    megabytesPerSecond: Math.round(result.throughput.average / 1024 / 1024),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** MB/s of whole-file GETs by `connections` clients in a loop: each body streamed and counted, never kept. */
async function streamThroughput(url: string, connections: number, headers: Record<string, string> = {}) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const run = async (seconds: number) => {
    const started = performance.now();
    const deadline = started + seconds * 1000;
    let bytes = 0;
    let requests = 0;
    let failures = 0;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < deadline) {
          await new Promise<void>((resolve) => {
            get(url, { agent, headers }, (response) => {
              if (response.statusCode !== 200) failures++;
              response.on('data', (chunk: Buffer) => {
                bytes += chunk.length;
              });
              response.once('end', () => {
                requests++;
                resolve();
              });
            }).once('error', () => {
              failures++;
              resolve();
            });
          });
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    return { megabytesPerSecond: Math.round(bytes / 1024 / 1024 / elapsed), requests, failures };
  };
  await run(1);
  const result = await run(DURATION);
  agent.destroy();
  return result;
}

let bare: Awaited<ReturnType<typeof serveInChild>> | undefined;
try {
  const big = await upload(BIG, 'lecture.pdf');
  const small = await upload(SMALL, 'handout.pdf');
  progress('files uploaded');
  const signed = (await (
    await fetch(`${base}/files/${small.id}/signed-url`, {
      method: 'POST',
      headers: { authorization: `Bearer ${student}`, 'content-type': 'application/json' },
      body: '{}',
    })
  ).json()) as { url: string };
  const signedPath = new URL(signed.url).pathname + new URL(signed.url).search;
  bare = await serveInChild(new URL('./lib/content-servers.ts', import.meta.url).pathname, ['bare'], {
    ...process.env,
    BENCH_FILES: JSON.stringify({ '/big': big.path, '/small': small.path }),
  });
  const bareBase = `http://127.0.0.1:${bare.port}`;
  const auth = { authorization: `Bearer ${student}` };

  const bareBig = await streamThroughput(`${bareBase}/big`, 4);
  const serviceBig = await streamThroughput(`${base}/files/${big.id}/content`, 4, auth);
  progress(`50 MB: service ${serviceBig.megabytesPerSecond} MB/s, bare ${bareBig.megabytesPerSecond} MB/s`);
  const bareSmall = await load(`${bareBase}/small`, { connections: 20 });
  const serviceSigned = await load(`${base}${signedPath}`, { connections: 20 });
  progress(
    `100 KB signed: service ${serviceSigned.requestsPerSecond}/s, bare ${bareSmall.requestsPerSecond}/s`,
  );
  const bareRange = await load(`${bareBase}/big`, { connections: 20, range: 64 * 1024 });
  const serviceRange = await load(`${base}/files/${big.id}/content`, {
    connections: 20,
    headers: auth,
    range: 64 * 1024,
  });
  progress(`64 KB ranges: service p99 ${serviceRange.p99Ms} ms, bare p99 ${bareRange.p99Ms} ms`);
  const failures =
    serviceBig.failures + [serviceSigned, serviceRange].reduce((sum, r) => sum + r.errors + r.non2xx, 0);
  report({
    benchmark: 'content-delivery',
    bigFile: {
      service: serviceBig,
      bare: bareBig,
      ratio: ratio(serviceBig.megabytesPerSecond, bareBig.megabytesPerSecond),
      goal: 0.7,
    },
    signedSmallFile: {
      service: serviceSigned,
      bare: bareSmall,
      ratio: ratio(serviceSigned.requestsPerSecond, bareSmall.requestsPerSecond),
      goal: 0.5,
    },
    rangeUnderLoad: {
      service: serviceRange,
      bare: bareRange,
      serviceP99Ms: serviceRange.p99Ms,
      bareP99Ms: bareRange.p99Ms,
    },
    failures,
  });
  if (failures) process.exitCode = 1;
} finally {
  await bare?.stop();
  await service.stop();
  await rm(storageRoot, { recursive: true, force: true });
  await rm(uploadDir, { recursive: true, force: true });
}
