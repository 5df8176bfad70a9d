import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createCourseAccess } from '../src/clients/course-access.ts';
import { signDelivery } from '../src/domain/rules.ts';
import { courseWithItems, type Harness, harness, PDF } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await harness({ CONTENT_PUBLIC_URL: 'http://content.test' });
});
after(() => h.close());

const SECRET = 'test-signing-secret-of-at-least-32-characters';
/** The service-relative path and query of a signed URL it handed out. */
const pathOf = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};

async function uploaded() {
  const setup = await courseWithItems(h);
  const { body: file } = await h.upload(
    setup.teacher,
    `/courses/${setup.course.id}/files?itemId=${setup.openItem.id}`,
    {
      name: 'handout.pdf',
      bytes: PDF('signed'),
    },
  );
  return { ...setup, file };
}

test('a signed URL serves the file without a token, with Range, until it expires', async () => {
  const { student, file } = await uploaded();
  const signed = await h.call(student, 'POST', `/files/${file.id}/signed-url`, { payload: {} });
  assert.equal(signed.status, 200);
  assert.ok(signed.body.url.startsWith('http://content.test/signed/'));
  assert.ok(Date.parse(signed.body.expiresAt) > Date.now());
  const fetched = await h.call(undefined, 'GET', pathOf(signed.body.url));
  assert.equal(fetched.status, 200);
  assert.deepEqual(fetched.raw, PDF('signed'));
  assert.equal(fetched.headers['x-content-type-options'], 'nosniff');
  const ranged = await h.call(undefined, 'GET', pathOf(signed.body.url), { headers: { range: 'bytes=0-3' } });
  assert.equal(ranged.status, 206);
  assert.equal(ranged.raw.toString(), '%PDF');
});

test('a tampered, expired or other-version signature is refused', async () => {
  const { teacher, file, tenant } = await uploaded();
  await h.upload(teacher, `/files/${file.id}/versions`, { name: 'v2.pdf', bytes: PDF('second') });
  const signed = await h.call(teacher, 'POST', `/files/${file.id}/signed-url`, { payload: { version: 1 } });
  const url = new URL(signed.body.url);
  assert.equal((await h.call(undefined, 'GET', pathOf(url.href))).status, 200);

  const tampered = new URL(url);
  const signature = tampered.searchParams.get('signature')!;
  tampered.searchParams.set('signature', `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`);
  const otherVersion = new URL(url.href.replace(`/${file.id}/1?`, `/${file.id}/2?`));
  const later = new URL(url);
  later.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
  for (const [what, candidate] of [
    ['tampered signature', tampered],
    ['another version', otherVersion],
    ['a later expiry', later],
  ] as const) {
    const answer = await h.call(undefined, 'GET', pathOf(candidate.href));
    assert.equal(answer.status, 403, what);
    assert.equal(answer.body.type, 'https://eduspry.dev/problems/invalid-signature', what);
  }
  // Correctly signed, but in the past.
  const expires = Math.floor(Date.now() / 1000) - 1;
  const expired = `/signed/${tenant.id}/${file.id}/1?expires=${expires}&signature=${signDelivery(SECRET, {
    tenantId: tenant.id,
    fileId: file.id,
    version: 1,
    expires,
  })}`;
  const answer = await h.call(undefined, 'GET', expired);
  assert.equal(answer.status, 403);
  assert.match(answer.body.detail, /expired/);
});

test("tenant A's signed URL never serves tenant B's file, even with a valid signature for B's tenant id", async () => {
  const a = await uploaded();
  const b = await uploaded();
  const signed = await h.call(a.student, 'POST', `/files/${a.file.id}/signed-url`, { payload: {} });
  // Swap in tenant B: the signature covered tenant A, so it no longer holds.
  const swapped = pathOf(signed.body.url).replace(a.tenant.id, b.tenant.id);
  assert.equal((await h.call(undefined, 'GET', swapped)).status, 403);
  // Even a correctly signed URL naming tenant B finds nothing of tenant A's.
  const expires = Math.floor(Date.now() / 1000) + 60;
  const forged = `/signed/${b.tenant.id}/${a.file.id}/1?expires=${expires}&signature=${signDelivery(SECRET, {
    tenantId: b.tenant.id,
    fileId: a.file.id,
    version: 1,
    expires,
  })}`;
  assert.equal((await h.call(undefined, 'GET', forged)).status, 404);
});

test('a signed URL of a deleted file stops working', async () => {
  const { teacher, file } = await uploaded();
  const signed = await h.call(teacher, 'POST', `/files/${file.id}/signed-url`, {
    payload: { download: true },
  });
  const first = await h.call(undefined, 'GET', pathOf(signed.body.url));
  assert.match(String(first.headers['content-disposition']), /^attachment;/);
  await h.call(teacher, 'DELETE', `/files/${file.id}`);
  assert.equal((await h.call(undefined, 'GET', pathOf(signed.body.url))).status, 404);
});

test('CheckAccess answers are cached per user and item, and a failing course-service opens the breaker', async () => {
  const { student, file, course, openItem } = await uploaded();
  const token = student.token;
  const cached = createCourseAccess({
    address: `127.0.0.1:${h.grpcPort}`,
    deadlineMs: 2000,
    cacheMs: 60_000,
    breakerThreshold: 2,
  });
  const first = await cached.check({
    token,
    claims: student.claims,
    courseId: course.id,
    itemId: openItem.id,
  });
  assert.deepEqual(first, { allowed: true, reason: 'enrolled' });
  // Drop the enrolment: the cached answer stands for its short lifetime, a fresh client sees the change.
  await h.admin`update course.enrollments set status = 'dropped' where user_id = ${student.id}`;
  assert.deepEqual(
    await cached.check({ token, claims: student.claims, courseId: course.id, itemId: openItem.id }),
    first,
  );
  assert.equal((await h.call(student, 'GET', `/files/${file.id}`)).status, 404);
  cached.close();

  // Nothing listens on this port: UNAVAILABLE twice, then the breaker answers at once.
  const down = createCourseAccess({
    address: '127.0.0.1:9',
    deadlineMs: 300,
    cacheMs: 0,
    breakerThreshold: 2,
  });
  for (let i = 0; i < 2; i++)
    await assert.rejects(down.check({ token, claims: student.claims, courseId: course.id }), {
      code: 'course-service-unavailable',
    });
  assert.equal(down.circuitState(), 'open');
  const started = performance.now();
  await assert.rejects(down.check({ token, claims: student.claims, courseId: course.id }), {
    code: 'course-service-unavailable',
  });
  assert.ok(performance.now() - started < 50, 'an open breaker answers without calling');
  down.close();
});

test('a batch of signed URLs: the files the caller may open, each with a working URL; others left out', async () => {
  const setup = await courseWithItems(h);
  const { teacher, student, course, openItem, hiddenItem, lockedItem } = setup;
  const upload = async (itemId: string, name: string) =>
    (
      await h.upload(teacher, `/courses/${course.id}/files?itemId=${itemId}`, {
        name,
        bytes: PDF(name),
      })
    ).body;
  const open = await upload(openItem.id, 'open.pdf');
  const hidden = await upload(hiddenItem.id, 'hidden.pdf');
  const locked = await upload(lockedItem.id, 'locked.pdf');
  // Another tenant's file, asked for by its id: never served.
  const elsewhere = await uploaded();

  const batch = await h.call(student, 'POST', '/files/signed-urls', {
    payload: { fileIds: [open.id, hidden.id, locked.id, elsewhere.file.id, open.id] },
  });
  assert.equal(batch.status, 200);
  assert.deepEqual(
    batch.body.files.map((f: { id: string }) => f.id),
    [open.id],
  );
  const [file] = batch.body.files;
  assert.equal(file.name, 'open.pdf');
  assert.equal(file.mediaType, 'application/pdf');
  assert.equal(file.sizeBytes, PDF('open.pdf').length);
  assert.ok(Date.parse(file.expiresAt) > Date.now());
  const fetched = await h.call(undefined, 'GET', pathOf(file.url));
  assert.equal(fetched.status, 200);
  assert.deepEqual(fetched.raw, PDF('open.pdf'));

  // Staff see all three of their course; a non-uuid is a 400 before anything is looked up.
  const staff = await h.call(teacher, 'POST', '/files/signed-urls', {
    payload: { fileIds: [open.id, hidden.id, locked.id] },
  });
  assert.equal(staff.body.files.length, 3);
  const bad = await h.call(student, 'POST', '/files/signed-urls', { payload: { fileIds: ['nope'] } });
  assert.equal(bad.status, 400);
});

test('a file uploaded for a new item is attached to it: the item then decides who reads it, once and for good', async () => {
  const { teacher, student, course, openItem, lockedItem } = await courseWithItems(h);
  const { body: file } = await h.upload(teacher, `/courses/${course.id}/files`, {
    name: 'exam.pdf',
    bytes: PDF('exam'),
  });
  const attach = (who: typeof teacher, itemId: string, fileId = file.id) =>
    h.call(who, 'PUT', `/files/${fileId}/item`, { payload: { itemId } });
  // On no item, a course file: every member opens it.
  assert.equal((await h.call(student, 'GET', `/files/${file.id}`)).status, 200);

  assert.equal((await attach(student, lockedItem.id)).status, 403);
  assert.equal((await attach(teacher, crypto.randomUUID())).status, 404);
  const attached = await attach(teacher, lockedItem.id);
  assert.equal(attached.status, 200, JSON.stringify(attached.body));
  assert.deepEqual(attached.body, { fileId: file.id, itemId: lockedItem.id });
  // The item's lock now holds, for the file and for a signed URL of it.
  assert.equal((await h.call(student, 'GET', `/files/${file.id}`)).status, 403);
  assert.equal((await h.call(student, 'POST', `/files/${file.id}/signed-url`, { payload: {} })).status, 403);
  assert.equal((await h.call(teacher, 'GET', `/files/${file.id}`)).status, 200);

  // Again to the same item changes nothing; to another item is a conflict; bad input is a 400.
  assert.equal((await attach(teacher, lockedItem.id)).status, 200);
  assert.equal((await attach(teacher, openItem.id)).status, 409);
  assert.equal((await attach(teacher, 'nope')).status, 400);
  // Another tenant's staff never find it.
  const other = await courseWithItems(h);
  assert.equal((await attach(other.teacher, other.openItem.id, file.id)).status, 404);
});
