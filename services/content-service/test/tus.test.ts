import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as tus from 'tus-js-client';
import { courseWithItems, type Harness, harness, PDF, type User } from './helpers.ts';

let h: Harness;
let endpoint: string;
before(async () => {
  // Stale after 10 minutes: the sweep test back-dates its uploads, so uploads of tests running
  // at the same time (other files, other tenants) are never old enough to be swept.
  h = await harness({ CONTENT_STALE_UPLOAD_SECONDS: '600' });
  await h.content.listen({ host: '127.0.0.1', port: 0 });
  endpoint = `http://127.0.0.1:${(h.content.server.address() as AddressInfo).port}/uploads`;
});
after(() => h.close());

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const bigPdf = (bytes: number) => Buffer.concat([PDF('big'), randomBytes(bytes)]);

/** Uploads with the real tus-js-client; `abortAfter` bytes, it stops as a dropped connection would. */
function tusUpload(
  user: User,
  data: Buffer,
  metadata: Record<string, string>,
  options: { abortAfter?: number; uploadUrl?: string } = {},
): Promise<{ url: string; fileId?: string; aborted: boolean; error?: Error }> {
  return new Promise((resolve) => {
    const upload: tus.Upload = new tus.Upload(data, {
      endpoint,
      ...(options.uploadUrl ? { uploadUrl: options.uploadUrl } : {}),
      headers: { authorization: `Bearer ${user.token}` },
      metadata,
      chunkSize: 256 * 1024,
      retryDelays: [],
      onProgress(sent) {
        if (options.abortAfter !== undefined && sent >= options.abortAfter) {
          void upload.abort().then(() => resolve({ url: upload.url!, aborted: true }));
          options.abortAfter = undefined;
        }
      },
      onSuccess(payload) {
        resolve({
          url: upload.url!,
          fileId: payload.lastResponse.getHeader('EduSpry-File-Id') ?? undefined,
          aborted: false,
        });
      },
      onError(error) {
        resolve({ url: upload.url ?? '', aborted: false, error });
      },
    });
    upload.start();
  });
}

async function tenantState(tenantId: string) {
  const [row] = await h.admin<{ files: number; used: number | null }[]>`
    select (select count(*)::int from content.files where tenant_id = ${tenantId}) as files,
           (select used_bytes::int from content.tenant_storage where tenant_id = ${tenantId}) as used`;
  return {
    files: row!.files,
    used: row!.used ?? 0,
    objects: (await h.storedObjects()).filter((k) => k.startsWith(tenantId)).length,
  };
}

test('an interrupted tus upload is invisible and uncharged; resumed, it arrives with the right SHA-256', async () => {
  const { course, teacher, student, openItem, tenant } = await courseWithItems(h);
  const data = bigPdf(3 * 1024 * 1024);
  const metadata = { courseId: course.id, itemId: openItem.id, filename: 'lecture-recording.pdf' };
  const first = await tusUpload(teacher, data, metadata, { abortAfter: 1024 * 1024 });
  assert.ok(first.aborted, first.error?.message);
  assert.deepEqual(await tenantState(tenant.id), { files: 0, used: 0, objects: 0 });
  assert.equal((await h.call(student, 'GET', `/courses/${course.id}/files`)).body.files.length, 0);

  const resumed = await tusUpload(teacher, data, metadata, { uploadUrl: first.url });
  assert.equal(resumed.error, undefined, resumed.error?.message);
  assert.ok(resumed.fileId);
  const file = await h.call(student, 'GET', `/files/${resumed.fileId}`);
  assert.equal(file.status, 200);
  assert.equal(file.body.sha256, sha(data));
  assert.equal(file.body.name, 'lecture-recording.pdf');
  assert.equal(file.body.itemId, openItem.id);
  assert.equal(sha((await h.call(student, 'GET', `/files/${resumed.fileId}/content`)).raw), sha(data));
  assert.deepEqual(await tenantState(tenant.id), { files: 1, used: data.length, objects: 1 });
  // The staged bytes are gone once the file is stored.
  assert.equal((await readdir(h.uploadDir)).filter((name) => !name.endsWith('.json')).length, 0);
});

test('only staff start a tus upload, only its owner continues it, and oversized uploads are refused up front', async () => {
  const { course, teacher, student, tenant } = await courseWithItems(h);
  const data = bigPdf(600 * 1024);
  const asStudent = await tusUpload(student, data, { courseId: course.id, filename: 'x.pdf' });
  assert.match(String(asStudent.error?.message), /403/);
  const started = await tusUpload(
    teacher,
    data,
    { courseId: course.id, filename: 'x.pdf' },
    { abortAfter: 256 * 1024 },
  );
  const colleague = await h.course.user(['instructor'], tenant);
  const hijack = await tusUpload(colleague, data, { courseId: course.id }, { uploadUrl: started.url });
  assert.ok(hijack.error, 'another user cannot continue the upload');
  await h.admin`
    insert into content.tenant_storage (tenant_id, quota_bytes, max_file_bytes, allowed_media_types)
    values (${tenant.id}, 1000, 1000, ${['application/pdf']})
    on conflict (tenant_id) do update set quota_bytes = 1000, max_file_bytes = 1000`;
  const tooBig = await tusUpload(teacher, data, { courseId: course.id, filename: 'x.pdf' });
  assert.match(String(tooBig.error?.message), /413/);
});

test('the sweeper removes stale partial uploads and uploads a crash left half-done', async () => {
  const { course, teacher, tenant } = await courseWithItems(h);
  const partial = await tusUpload(
    teacher,
    bigPdf(1024 * 1024),
    { courseId: course.id, filename: 'p.pdf' },
    {
      abortAfter: 256 * 1024,
    },
  );
  assert.ok(partial.aborted);
  // A multipart upload the process died in: an `uploading` row and its object, never charged.
  const [file] = await h.admin<{ id: string }[]>`
    insert into content.files (tenant_id, course_id, uploaded_by, created_at)
    values (${tenant.id}, ${course.id}, ${teacher.id}, now() - interval '1 hour') returning id`;
  const key = `${tenant.id}/${course.id}/${file!.id}/v1`;
  await h.admin`
    insert into content.file_versions (tenant_id, file_id, version, original_name, storage_key, uploaded_by, created_at)
    values (${tenant.id}, ${file!.id}, 1, 'crashed.pdf', ${key}, ${teacher.id}, now() - interval '1 hour')`;
  const { Readable } = await import('node:stream');
  await h.storage.put(key, Readable.from([Buffer.from('half a file')]));
  // The partial began an hour ago, as far as its stored upload info says.
  const infoFile = join(h.uploadDir, `${partial.url.split('/').pop()}.json`);
  const info = JSON.parse(await readFile(infoFile, 'utf8'));
  await writeFile(
    infoFile,
    JSON.stringify({ ...info, creation_date: new Date(Date.now() - 3600_000).toISOString() }),
  );
  const swept = await h.sweep();
  assert.ok(swept.partials >= 1, `partials swept: ${swept.partials}`);
  assert.ok(swept.rows >= 1, `rows swept: ${swept.rows}`);
  assert.equal(await h.storage.head(key), null);
  assert.deepEqual(await tenantState(tenant.id), { files: 0, used: 0, objects: 0 });
  const head = await fetch(partial.url, {
    method: 'HEAD',
    headers: { authorization: `Bearer ${teacher.token}`, 'tus-resumable': '1.0.0' },
  });
  assert.ok(head.status === 404 || head.status === 410, `a swept upload answers ${head.status}`);
});

test('browsers of the configured origins may call the tus endpoint (CORS); others get no Access-Control-Allow-Origin', async () => {
  const origin = 'http://127.0.0.1:3000';
  const preflight = await h.call(undefined, 'OPTIONS', '/uploads', {
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,tus-resumable,upload-length,upload-metadata',
    },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers['access-control-allow-origin'], origin);
  const allowed = String(preflight.headers['access-control-allow-headers']).toLowerCase();
  for (const header of [
    'authorization',
    'tus-resumable',
    'upload-length',
    'upload-metadata',
    'upload-offset',
  ])
    assert.ok(allowed.includes(header), `${header} in ${allowed}`);
  assert.match(String(preflight.headers['access-control-allow-methods']), /PATCH/);

  // The answers themselves name the origin and expose what tus-js-client and the web app read.
  const { teacher, course } = await courseWithItems(h);
  const created = await h.call(teacher, 'POST', '/uploads', {
    headers: {
      origin,
      'tus-resumable': '1.0.0',
      'upload-length': '10',
      'upload-metadata': `courseId ${Buffer.from(course.id).toString('base64')},filename ${Buffer.from('a.pdf').toString('base64')}`,
    },
  });
  assert.equal(created.status, 201);
  assert.equal(created.headers['access-control-allow-origin'], origin);
  const exposed = String(created.headers['access-control-expose-headers']).toLowerCase();
  for (const header of ['location', 'upload-offset', 'eduspry-file-id'])
    assert.ok(exposed.includes(header), `${header} in ${exposed}`);

  const stranger = await h.call(undefined, 'OPTIONS', '/uploads', {
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
  });
  assert.equal(stranger.headers['access-control-allow-origin'], undefined);
});
