import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { courseWithItems, type Harness, harness, PDF } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

test('staff upload a file to an item; an enrolled student reads exactly those bytes', async () => {
  const { course, teacher, student, openItem } = await courseWithItems(h);
  const bytes = PDF('lecture 1');
  // The client calls it a PNG: the bytes say PDF, and the bytes win.
  const uploaded = await h.upload(teacher, `/courses/${course.id}/files?itemId=${openItem.id}`, {
    name: 'Lecture 1.png',
    bytes,
    contentType: 'image/png',
  });
  assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
  assert.equal(uploaded.body.mediaType, 'application/pdf');
  assert.equal(uploaded.body.sizeBytes, bytes.length);
  assert.equal(uploaded.body.sha256, sha(bytes));
  assert.equal(uploaded.body.version, 1);

  const read = await h.call(student, 'GET', `/files/${uploaded.body.id}/content`);
  assert.equal(read.status, 200);
  assert.deepEqual(read.raw, bytes);
  assert.equal(read.headers['content-type'], 'application/pdf');
  assert.equal(read.headers['x-content-type-options'], 'nosniff');
  assert.match(String(read.headers['content-disposition']), /^inline; filename="Lecture 1.png"/);
  const listed = await h.call(student, 'GET', `/courses/${course.id}/files?itemIds=${openItem.id}`);
  assert.deepEqual(
    listed.body.files.map((f: { id: string }) => f.id),
    [uploaded.body.id],
  );
});

test('Range answers 206 with exactly the bytes asked for; an impossible range is 416; a known ETag is 304', async () => {
  const { course, teacher, student, openItem } = await courseWithItems(h);
  const bytes = Buffer.concat([PDF('video-ish'), randomBytes(100_000)]);
  const { body: file } = await h.upload(teacher, `/courses/${course.id}/files?itemId=${openItem.id}`, {
    name: 'clip.pdf',
    bytes,
  });
  const ranged = await h.call(student, 'GET', `/files/${file.id}/content`, {
    headers: { range: 'bytes=1000-1999' },
  });
  assert.equal(ranged.status, 206);
  assert.equal(ranged.headers['content-range'], `bytes 1000-1999/${bytes.length}`);
  assert.deepEqual(ranged.raw, bytes.subarray(1000, 2000));
  const suffix = await h.call(student, 'GET', `/files/${file.id}/content`, {
    headers: { range: 'bytes=-10' },
  });
  assert.deepEqual(suffix.raw, bytes.subarray(bytes.length - 10));
  const beyond = await h.call(student, 'GET', `/files/${file.id}/content`, {
    headers: { range: `bytes=${bytes.length}-` },
  });
  assert.equal(beyond.status, 416);
  assert.equal(beyond.headers['content-range'], `bytes */${bytes.length}`);
  assert.equal(beyond.body.type, 'https://eduspry.dev/problems/range-not-satisfiable');
  const etag = ranged.headers.etag as string;
  assert.equal(etag, `"${sha(bytes)}"`);
  const again = await h.call(student, 'GET', `/files/${file.id}/content`, {
    headers: { 'if-none-match': etag },
  });
  assert.equal(again.status, 304);
  assert.equal(again.raw.length, 0);
});

test('HTML and SVG are served as sandboxed attachments, never inline', async () => {
  const { course, teacher, student, openItem } = await courseWithItems(h);
  for (const [name, bytes] of [
    ['page.pdf', Buffer.from('<!doctype html><html><script>alert(document.cookie)</script></html>')],
    [
      'logo.png',
      Buffer.from(
        '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      ),
    ],
  ] as const) {
    const { body: file, status } = await h.upload(
      teacher,
      `/courses/${course.id}/files?itemId=${openItem.id}`,
      {
        name,
        bytes,
      },
    );
    assert.equal(status, 201, JSON.stringify(file));
    const read = await h.call(student, 'GET', `/files/${file.id}/content`);
    assert.match(file.mediaType, /^(text\/html|image\/svg\+xml)$/);
    assert.match(String(read.headers['content-disposition']), /^attachment;/);
    assert.match(String(read.headers['content-security-policy']), /sandbox/);
    assert.equal(read.headers['x-content-type-options'], 'nosniff');
  }
});

test('a media type off the tenant allow-list is refused with 415 and nothing is stored', async () => {
  const { course, teacher, tenant } = await courseWithItems(h);
  const before = await h.storedObjects();
  const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), randomBytes(5000)]);
  const refused = await h.upload(teacher, `/courses/${course.id}/files`, { name: 'tool.pdf', bytes: elf });
  assert.equal(refused.status, 415);
  assert.equal(refused.body.type, 'https://eduspry.dev/problems/media-type-not-allowed');
  assert.deepEqual(await h.storedObjects(), before);
  const [row] = await h.admin<
    { count: number }[]
  >`select count(*)::int as count from content.files where tenant_id = ${tenant.id}`;
  assert.equal(row!.count, 0);
});

test('students cannot upload (403); a course of another tenant does not exist (404)', async () => {
  const { course, student } = await courseWithItems(h);
  const other = await courseWithItems(h);
  const asStudent = await h.upload(student, `/courses/${course.id}/files`, { name: 'a.pdf', bytes: PDF() });
  assert.equal(asStudent.status, 403);
  assert.equal(asStudent.body.type, 'https://eduspry.dev/problems/not-course-staff');
  const foreign = await h.upload(other.teacher, `/courses/${course.id}/files`, {
    name: 'a.pdf',
    bytes: PDF(),
  });
  assert.equal(foreign.status, 404);
});

test("tenant A's file id never serves tenant B, not even to its admin", async () => {
  const a = await courseWithItems(h);
  const b = await courseWithItems(h);
  const { body: file } = await h.upload(a.teacher, `/courses/${a.course.id}/files?itemId=${a.openItem.id}`, {
    name: 'secret.pdf',
    bytes: PDF('tenant a'),
  });
  const adminB = await h.course.user(['tenant_admin'], b.tenant);
  for (const user of [b.student, b.teacher, adminB]) {
    for (const url of [`/files/${file.id}`, `/files/${file.id}/content`]) {
      const answer = await h.call(user, 'GET', url);
      assert.equal(answer.status, 404, `${url} answered ${answer.status}`);
      assert.equal(answer.body.type, 'https://eduspry.dev/problems/file-not-found');
    }
    assert.equal((await h.call(user, 'POST', `/files/${file.id}/signed-url`, { payload: {} })).status, 404);
    assert.equal((await h.call(user, 'DELETE', `/files/${file.id}`)).status, 404);
  }
});

test('a locked item is 403 with its lock reason; an unpublished item is 404 like a missing file', async () => {
  const { course, teacher, student, lockedItem, hiddenItem } = await courseWithItems(h);
  const locked = await h.upload(teacher, `/courses/${course.id}/files?itemId=${lockedItem.id}`, {
    name: 'later.pdf',
    bytes: PDF('later'),
  });
  const hidden = await h.upload(teacher, `/courses/${course.id}/files?itemId=${hiddenItem.id}`, {
    name: 'draft.pdf',
    bytes: PDF('draft'),
  });
  const lockedRead = await h.call(student, 'GET', `/files/${locked.body.id}/content`);
  assert.equal(lockedRead.status, 403);
  assert.equal(lockedRead.body.type, 'https://eduspry.dev/problems/item-locked');
  assert.equal(lockedRead.body.reason, 'locked-until-date');
  const hiddenRead = await h.call(student, 'GET', `/files/${hidden.body.id}/content`);
  assert.equal(hiddenRead.status, 404);
  // Staff see both.
  assert.equal((await h.call(teacher, 'GET', `/files/${locked.body.id}/content`)).status, 200);
  assert.equal((await h.call(teacher, 'GET', `/files/${hidden.body.id}/content`)).status, 200);
  // A student of another course of the same tenant sees nothing either.
  const outsider = await h.course.user(['student']);
  assert.equal((await h.call(outsider, 'GET', `/files/${locked.body.id}`)).status, 404);
});

test('hostile names are stored as display text only and never reach the storage path', async () => {
  const { course, teacher, student, openItem, tenant } = await courseWithItems(h);
  const cases: [string, RegExp][] = [
    ['../../../../etc/passwd', /^passwd$/],
    ['/absolute/path/to/notes.pdf', /^notes\.pdf$/],
    ['..\\..\\windows\\system32\\evil.pdf', /^evil\.pdf$/],
    ['nul\u0000byte.pdf', /^nulbyte\.pdf$/],
    ['"quoted"; filename=evil.html; x=.pdf', /^quoted; filename=evil\.html; x=\.pdf$/],
    ['résumé – 履歴書.pdf', /^résumé – 履歴書\.pdf$/],
    [`${'a'.repeat(4096)}.pdf`, /^a{251}\.pdf$/],
    ['..', /^file$/],
  ];
  for (const [name, expected] of cases) {
    const uploaded = await h.upload(teacher, `/courses/${course.id}/files?itemId=${openItem.id}`, {
      name,
      bytes: PDF(name.slice(0, 20)),
    });
    assert.equal(
      uploaded.status,
      201,
      `${JSON.stringify(name.slice(0, 40))}: ${JSON.stringify(uploaded.body)}`,
    );
    assert.match(uploaded.body.name, expected);
    const read = await h.call(student, 'GET', `/files/${uploaded.body.id}/content`);
    assert.equal(read.status, 200);
    assert.doesNotMatch(String(read.headers['content-disposition']), /[\r\n\0]/);
    assert.equal(read.headers['x-injected'], undefined);
  }
  // Every object sits at <tenant>/<course>/<file>/v<n> under the root: nothing else exists.
  const objects = (await h.storedObjects()).filter((key) => key.startsWith(tenant.id));
  assert.equal(objects.length, cases.length);
  for (const key of objects) assert.match(key, /^[0-9a-f-]{36}\/[0-9a-f-]{36}\/[0-9a-f-]{36}\/v1$/);
});

test('concurrent uploads never overshoot the quota: exactly as many fit as there is room for', async () => {
  const { course, teacher, tenant } = await courseWithItems(h);
  const bytes = Buffer.concat([PDF('quota'), randomBytes(50_000)]);
  // Room for exactly 5 (and a half).
  await h.admin`
    insert into content.tenant_storage (tenant_id, quota_bytes, max_file_bytes, allowed_media_types)
    values (${tenant.id}, ${bytes.length * 5 + bytes.length / 2}, 1000000, ${['application/pdf']})`;
  const answers = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      h.upload(teacher, `/courses/${course.id}/files`, { name: `copy-${i}.pdf`, bytes }),
    ),
  );
  const statuses = answers.map((a) => a.status).sort();
  assert.deepEqual(statuses, [201, 201, 201, 201, 201, 413, 413, 413, 413, 413, 413, 413]);
  for (const refused of answers.filter((a) => a.status === 413))
    assert.equal(refused.body.type, 'https://eduspry.dev/problems/quota-exceeded');
  const [usage] =
    await h.admin`select used_bytes::int as used from content.tenant_storage where tenant_id = ${tenant.id}`;
  assert.equal(usage!.used, bytes.length * 5);
  const [counts] = await h.admin<{ ready: number; all: number }[]>`
    select count(*) filter (where status = 'ready')::int as ready, count(*)::int as all
    from content.file_versions where tenant_id = ${tenant.id}`;
  assert.equal(counts!.ready, 5);
  assert.equal(counts!.all, 5, 'refused uploads leave no rows');
  const objects = (await h.storedObjects()).filter((key) => key.startsWith(tenant.id));
  assert.equal(objects.length, 5, 'refused uploads leave no objects');
});

test('a file over the per-file limit is refused with 413 while streaming and leaves nothing', async () => {
  const { course, teacher, tenant } = await courseWithItems(h);
  await h.admin`
    insert into content.tenant_storage (tenant_id, quota_bytes, max_file_bytes, allowed_media_types)
    values (${tenant.id}, 100000000, 10000, ${['application/pdf']})`;
  const refused = await h.upload(teacher, `/courses/${course.id}/files`, {
    name: 'big.pdf',
    bytes: Buffer.concat([PDF('big'), randomBytes(200_000)]),
  });
  assert.equal(refused.status, 413);
  assert.equal(refused.body.type, 'https://eduspry.dev/problems/file-too-large');
  assert.equal((await h.storedObjects()).filter((key) => key.startsWith(tenant.id)).length, 0);
  const [usage] =
    await h.admin`select used_bytes::int as used from content.tenant_storage where tenant_id = ${tenant.id}`;
  assert.equal(usage!.used, 0);
});

test('a new version replaces what readers get, keeps the old one until it is deleted, and events say so', async () => {
  const { course, teacher, student, openItem, tenant } = await courseWithItems(h);
  const v1 = PDF('first');
  const v2 = PDF('second edition');
  const { body: file } = await h.upload(teacher, `/courses/${course.id}/files?itemId=${openItem.id}`, {
    name: 'syllabus.pdf',
    bytes: v1,
  });
  const replaced = await h.upload(teacher, `/files/${file.id}/versions`, {
    name: 'syllabus-v2.pdf',
    bytes: v2,
  });
  assert.equal(replaced.status, 201, JSON.stringify(replaced.body));
  assert.equal(replaced.body.version, 2);
  assert.deepEqual((await h.call(student, 'GET', `/files/${file.id}/content`)).raw, v2);
  assert.deepEqual((await h.call(student, 'GET', `/files/${file.id}/content?version=1`)).raw, v1);
  const usage = async () =>
    (
      await h.admin`select used_bytes::int as used from content.tenant_storage where tenant_id = ${tenant.id}`
    )[0]!.used;
  assert.equal(await usage(), v1.length + v2.length);
  assert.equal((await h.call(student, 'DELETE', `/files/${file.id}/versions/1`)).status, 403);
  assert.equal((await h.call(teacher, 'DELETE', `/files/${file.id}/versions/2`)).status, 409);
  const dropped = await h.call(teacher, 'DELETE', `/files/${file.id}/versions/1`);
  assert.equal(dropped.status, 200);
  assert.equal(dropped.body.releasedBytes, v1.length);
  assert.equal((await h.call(student, 'GET', `/files/${file.id}/content?version=1`)).status, 404);
  assert.equal(await usage(), v2.length);
  assert.equal((await h.call(teacher, 'DELETE', `/files/${file.id}`)).status, 200);
  assert.equal((await h.call(student, 'GET', `/files/${file.id}/content`)).status, 404);
  assert.equal(await usage(), 0);
  assert.equal((await h.storedObjects()).filter((key) => key.startsWith(tenant.id)).length, 0);
  const events = await h.admin<{ type: string; key: string; data: Record<string, unknown> }[]>`
    select event_type as type, key, payload->'data' as data from content.outbox where tenant_id = ${tenant.id} order by id`;
  assert.deepEqual(
    events.map((e) => [e.type, e.key, e.data.version]),
    [
      ['content.delivery.file_uploaded', file.id, 1],
      ['content.delivery.file_uploaded', file.id, 2],
      ['content.delivery.file_deleted', file.id, 1],
      ['content.delivery.file_deleted', file.id, null],
    ],
  );
  assert.equal(events[0]!.data.sha256, sha(v1));
});

test('hostile requests are 4xx problems, never 5xx', async () => {
  const { course, teacher } = await courseWithItems(h);
  const cases = [
    await h.call(teacher, 'POST', `/courses/${course.id}/files`, { payload: { file: 'x' } }),
    await h.call(teacher, 'POST', `/courses/${course.id}/files`, {
      payload: 'garbage',
      headers: { 'content-type': 'multipart/form-data; boundary=nothing' },
    }),
    await h.call(teacher, 'GET', '/files/not-a-uuid/content'),
    await h.upload(teacher, `/courses/${course.id}/files`, {
      name: 'line\r\nX-Injected: 1.pdf',
      bytes: PDF(),
    }),
    await h.call(teacher, 'GET', `/courses/${course.id}/files?itemIds=../../x`),
    await h.call(undefined, 'GET', `/courses/${course.id}/files`),
    await h.call(teacher, 'GET', `/signed/${course.id}/${course.id}/1?expires=abc&signature=x`),
    await h.call(teacher, 'PATCH', '/storage', { payload: { quotaBytes: 1e15 } }),
  ];
  for (const answer of cases) {
    assert.ok(answer.status >= 400 && answer.status < 500, `answered ${answer.status}: ${answer.raw}`);
    assert.match(String(answer.headers['content-type']), /application\/problem\+json/);
  }
});
