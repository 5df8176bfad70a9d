// A 1 GiB file (BENCH_UPLOAD_BYTES overrides) uploaded to content-service with the real
// tus-js-client: interrupted at 40 %, resumed from where the server says it stopped, then
// checked by SHA-256. Reports the service's peak resident memory (sampled every 50 ms in its
// process) against the 150 MB goal, and the time it took.
import { fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '@eduspry/common';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import * as tus from 'tus-js-client';
import { report, serveInChild } from './lib/measure.ts';

const SIZE = Number(process.env.BENCH_UPLOAD_BYTES ?? 1024 ** 3);
const ISSUER = 'https://auth.bench.eduspry';
const TENANT = '00000000-0000-4000-8000-0000000f11e1';
const COURSE = '00000000-0000-4000-8000-0000000f11e2';
const TEACHER = '00000000-0000-4000-8000-0000000f11e6';
const progress = (step: string) => process.stderr.write(`content-upload-memory: ${step}\n`);

const admin = createDb(process.env.DATABASE_URL!, { applicationName: 'bench-upload-setup', max: 1 });
await admin`insert into identity.tenants (id, slug, name) values (${TENANT}, 'bench-upload', 'Bench')`;
await admin`insert into course.courses (id, tenant_id, code, title, state) values (${COURSE}, ${TENANT}, 'BENCH-U', 'Bench', 'published')`;
await admin`insert into course.enrollments (tenant_id, course_id, user_id, role, status) values (${TENANT}, ${COURSE}, ${TEACHER}, 'teacher', 'active')`;
await admin`
  insert into content.tenant_storage (tenant_id, quota_bytes, max_file_bytes, allowed_media_types)
  values (${TENANT}, ${SIZE * 2}, ${SIZE * 2}, ${['application/pdf']})`;
await admin.end();

const keys = await generateKeyPair('ES256');
const jwks = { keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'bench', alg: 'ES256' }] };
const token = await new SignJWT({
  role: 'authenticated',
  app_metadata: { tenant_id: TENANT, roles: ['instructor'] },
})
  .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
  .setSubject(TEACHER)
  .setIssuer(ISSUER)
  .setAudience('eduspry')
  .setIssuedAt()
  .setExpirationTime('1h')
  .sign(keys.privateKey);

const work = await mkdtemp(join(tmpdir(), 'eduspry-bench-upload-'));
const source = join(work, 'source.pdf');
// The source file: a PDF header, then a repeated random MiB; its SHA-256 computed as written.
const hash = createHash('sha256');
const out = createWriteStream(source);
const block = randomBytes(1024 * 1024);
const header = Buffer.from('%PDF-1.7\n');
for (let written = 0; written < SIZE; ) {
  const chunk =
    written === 0
      ? Buffer.concat([header, block]).subarray(0, Math.min(block.length, SIZE))
      : block.subarray(0, Math.min(block.length, SIZE - written));
  hash.update(chunk);
  if (!out.write(chunk)) await once(out, 'drain');
  written += chunk.length;
}
out.end();
await once(out, 'finish');
const expected = hash.digest('hex');
progress(`source of ${SIZE} bytes written`);

const course = await serveInChild(new URL('./lib/content-servers.ts', import.meta.url).pathname, ['course'], {
  ...process.env,
  BENCH_JWKS: JSON.stringify(jwks),
  BENCH_ISSUER: ISSUER,
});
const child = fork(new URL('./lib/content-servers.ts', import.meta.url).pathname, ['service'], {
  env: {
    ...process.env,
    BENCH_JWKS: JSON.stringify(jwks),
    BENCH_ISSUER: ISSUER,
    BENCH_COURSE_GRPC: `127.0.0.1:${course.port}`,
    BENCH_SIGNING_SECRET: randomBytes(32).toString('hex'),
    BENCH_STORAGE_ROOT: join(work, 'storage'),
    BENCH_UPLOAD_DIR: join(work, 'uploads'),
  },
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
});
const { port } = (await once(child, 'message'))[0] as { port: number };
const rss = async () => {
  child.send('rss');
  return (await once(child, 'message'))[0] as { rss: number; peakRss: number };
};
const idleRss = (await rss()).rss;

function upload(abortAt?: number, uploadUrl?: string) {
  return new Promise<{ url: string; fileId?: string; aborted: boolean }>((resolve, reject) => {
    const upload: tus.Upload = new tus.Upload(createReadStream(source), {
      endpoint: `http://127.0.0.1:${port}/uploads`,
      ...(uploadUrl ? { uploadUrl } : {}),
      uploadSize: SIZE,
      chunkSize: 16 * 1024 * 1024,
      headers: { authorization: `Bearer ${token}` },
      metadata: { courseId: COURSE, filename: 'recording.pdf' },
      retryDelays: [],
      onProgress(sent) {
        if (abortAt !== undefined && sent >= abortAt) {
          abortAt = undefined;
          void upload.abort().then(() => resolve({ url: upload.url!, aborted: true }));
        }
      },
      onSuccess: (payload) =>
        resolve({
          url: upload.url!,
          fileId: payload.lastResponse.getHeader('EduSpry-File-Id'),
          aborted: false,
        }),
      onError: reject,
    });
    upload.start();
  });
}

try {
  const started = performance.now();
  const first = await upload(Math.floor(SIZE * 0.4));
  progress('interrupted at 40 %');
  const done = await upload(undefined, first.url);
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const file = (await (
    await fetch(`http://127.0.0.1:${port}/files/${done.fileId}`, {
      headers: { authorization: `Bearer ${token}` },
    })
  ).json()) as { sha256: string; sizeBytes: number };
  const { peakRss } = await rss();
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  report({
    benchmark: 'content-upload-memory',
    bytes: SIZE,
    interruptedThenResumed: first.aborted && !done.aborted,
    sha256Matches: file.sha256 === expected && file.sizeBytes === SIZE,
    seconds,
    idleRssMb: mb(idleRss),
    peakRssMb: mb(peakRss),
    goalPeakRssMb: 150,
  });
  if (file.sha256 !== expected) process.exitCode = 1;
} finally {
  child.kill('SIGTERM');
  await once(child, 'exit');
  await course.stop();
  await rm(work, { recursive: true, force: true });
}
