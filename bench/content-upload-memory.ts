// A 1 GiB file (BENCH_UPLOAD_BYTES overrides) uploaded to content-service with the real
// tus-js-client: interrupted at 40 %, resumed from where the server says it stopped, then
// checked by SHA-256. content-service runs as it ships (its main file, its Node options, the
// Postgres event log); the kernel's high-water mark of its resident memory (VmHWM, start-up
// included) is the peak reported against the 150 MB goal, with the time it took.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '@eduspry/common';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import * as tus from 'tus-js-client';
import { startContentPlatform } from './lib/content-platform.ts';
import { report } from './lib/measure.ts';

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

const service = await startContentPlatform({
  jwks,
  issuer: ISSUER,
  storageRoot: join(work, 'storage'),
  uploadDir: join(work, 'uploads'),
  env: { CONTENT_DEFAULT_MAX_FILE_BYTES: String(4 * 1024 ** 3) },
});
const idle = service.memory();
// The floor in the same run: the same node binary with nothing loaded.
const bareNodeRss = Number(
  execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.memoryUsage().rss))'], {
    encoding: 'utf8',
  }),
);

function upload(abortAt?: number, uploadUrl?: string) {
  return new Promise<{ url: string; fileId?: string; aborted: boolean }>((resolve, reject) => {
    const upload: tus.Upload = new tus.Upload(createReadStream(source), {
      endpoint: `${service.url}/uploads`,
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
    await fetch(`${service.url}/files/${done.fileId}`, {
      headers: { authorization: `Bearer ${token}` },
    })
  ).json()) as { sha256: string; sizeBytes: number };
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  report({
    benchmark: 'content-upload-memory',
    bytes: SIZE,
    interruptedThenResumed: first.aborted && !done.aborted,
    sha256Matches: file.sha256 === expected && file.sizeBytes === SIZE,
    seconds,
    idleRssMb: mb(idle.rss),
    idleAnonymousMb: mb(idle.anon),
    idleFileBackedMb: mb(idle.file),
    peakRssMb: mb(service.memory().peak),
    bareNodeRssMb: mb(bareNodeRss),
    goalPeakRssMb: 150,
  });
  if (file.sha256 !== expected) process.exitCode = 1;
} finally {
  await service.stop();
  await rm(work, { recursive: true, force: true });
}
