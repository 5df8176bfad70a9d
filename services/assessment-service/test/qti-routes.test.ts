import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { problems } from '../src/problems.ts';
import { bankWith, QUESTIONS } from './fixtures.ts';
import { courseWith, expectOk, type Harness, harness, type Json, placeQuiz, type User } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

const FIXTURE = new URL('./fixtures/qti21-canvas/', import.meta.url).pathname;

/** The fixture folder zipped the way an LMS hands it out. */
function fixtureZip(change: (files: Record<string, Uint8Array>) => void = () => {}): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
      else files[`${prefix}${name}`] = readFileSync(path);
    }
  };
  walk(FIXTURE, '');
  change(files);
  return zipSync(files);
}

async function upload(
  user: User | undefined,
  bankId: string,
  body: Uint8Array | string,
  type = 'application/zip',
) {
  const response = await h.app.inject({
    method: 'POST',
    url: `/banks/${bankId}/qti`,
    headers: { 'content-type': type, ...(user ? { authorization: `Bearer ${user.token}` } : {}) },
    payload: typeof body === 'string' ? body : Buffer.from(body),
  });
  const text = response.body;
  return {
    status: response.statusCode,
    body: JSON.parse(text) as Json,
    text,
    headers: response.headers as Record<string, unknown>,
  };
}

async function download(user: User, bankId: string) {
  const response = await h.app.inject({
    method: 'GET',
    url: `/banks/${bankId}/qti`,
    headers: { authorization: `Bearer ${user.token}` },
  });
  return { status: response.statusCode, raw: response.rawPayload, headers: response.headers };
}

async function setup() {
  const course = await courseWith(h, 1);
  const bank = expectOk(
    await h.call(course.teacher, 'POST', '/banks', { courseId: course.courseId, title: 'Imported' }),
    201,
  );
  return { ...course, bankId: bank.id as string };
}

const questionsOf = async (user: User, bankId: string): Promise<Json[]> =>
  expectOk(await h.call(user, 'GET', `/banks/${bankId}/questions`));

test('imports a Canvas/Moodle-style QTI 2.1 package: every item imported or skipped by name', async () => {
  const s = await setup();
  const result = expectOk(await upload(s.teacher, s.bankId, fixtureZip()));
  assert.deepEqual(
    result.imported.map((i: Json) => [i.identifier, i.type, i.status]),
    [
      ['i_capital', 'multiple_choice', 'created'],
      ['i_sun', 'true_false', 'created'],
      ['i_mammals', 'multiple_answers', 'created'],
      ['i_author', 'short_answer', 'created'],
      ['i_roses', 'cloze', 'created'],
      ['i_essay', 'essay', 'created'],
    ],
  );
  assert.deepEqual(result.skipped, [
    { identifier: 'i_map', title: 'Find Canberra on the map', reason: 'hotspotInteraction is not supported' },
  ]);
  const stored = await questionsOf(s.teacher, s.bankId);
  assert.equal(stored.length, 6);
  const byTitle = Object.fromEntries(stored.map((q) => [q.title, q]));
  assert.equal(byTitle['Capital of Australia'].points, 2);
  assert.equal(byTitle['Capital of Australia'].spec.prompt, 'What is the capital of Australia?');
  assert.deepEqual(
    byTitle['Capital of Australia'].spec.choices.map((c: Json) => [c.text, c.correct]),
    [
      ['Sydney', false],
      ['Canberra', true],
      ['Melbourne', false],
    ],
  );
  assert.deepEqual(byTitle['The Sun is a star'].spec, {
    type: 'true_false',
    prompt: 'The Sun is a star.',
    correct: true,
  });
  assert.equal(byTitle.Mammals.spec.scoring, 'right_minus_wrong');
  assert.deepEqual(
    byTitle['Author of Hamlet'].spec.accepted.map((a: Json) => a.text),
    ['Shakespeare', 'William Shakespeare'],
  );
  assert.equal(byTitle['Roses are red'].spec.text, 'Roses are {{RESPONSE_1}}, violets are {{RESPONSE_2}}.');
  assert.equal(byTitle['Water cycle'].points, 5);
  assert.equal(
    byTitle['Water cycle'].spec.graderNotes,
    'Mentions evaporation, condensation and precipitation.',
  );
  assert.equal(byTitle['Water cycle'].spec.prompt, 'Describe the water cycle.');
});

test('re-importing is idempotent by identifier; changed content updates, with a new version once used', async () => {
  const s = await setup();
  const first = expectOk(await upload(s.teacher, s.bankId, fixtureZip()));
  const again = expectOk(await upload(s.teacher, s.bankId, fixtureZip()));
  assert.deepEqual(
    again.imported.map((i: Json) => i.status),
    first.imported.map(() => 'unchanged'),
  );
  assert.deepEqual(
    again.imported.map((i: Json) => i.questionId),
    first.imported.map((i: Json) => i.questionId),
  );
  assert.equal((await questionsOf(s.teacher, s.bankId)).length, 6);

  // An attempt is given the true/false question: its version is frozen from now on.
  const tf = first.imported.find((i: Json) => i.identifier === 'i_sun');
  const quiz = expectOk(
    await h.call(s.teacher, 'POST', `/courses/${s.courseId}/quizzes`, {
      title: 'Quiz',
      sections: [{ kind: 'fixed', questionIds: [tf.questionId] }],
    }),
    201,
  );
  await placeQuiz(h, s, quiz.id);
  expectOk(await h.call(s.students[0]!, 'POST', `/quizzes/${quiz.id}/attempts`, {}), 201);

  const changed = fixtureZip((files) => {
    const sun = strFromU8(files['items/i_sun.xml']!).replace(
      '<value>true_choice</value>',
      '<value>false_choice</value>',
    );
    files['items/i_sun.xml'] = strToU8(sun);
    const capital = strFromU8(files['items/i_capital.xml']!).replace('Melbourne', 'Perth');
    files['items/i_capital.xml'] = strToU8(capital);
  });
  const third = expectOk(await upload(s.teacher, s.bankId, changed));
  const status = Object.fromEntries(
    third.imported.map((i: Json) => [i.identifier, [i.status, i.versionCreated]]),
  );
  assert.deepEqual(status.i_sun, ['updated', true]);
  assert.deepEqual(status.i_capital, ['updated', false]);
  assert.deepEqual(status.i_author, ['unchanged', false]);
  const versions = expectOk(await h.call(s.teacher, 'GET', `/questions/${tf.questionId}/versions`));
  assert.deepEqual(
    versions.map((v: Json) => v.spec.correct),
    [true, false],
  );
  assert.equal((await questionsOf(s.teacher, s.bankId)).length, 6);
});

test('exports a bank as a zip with a safe name, reports what it cannot export, and imports back unchanged', async () => {
  const course = await courseWith(h, 0);
  const bank = await bankWith(h, course.teacher, course.courseId);
  const exported = await download(course.teacher, bank.bankId);
  assert.equal(exported.status, 200);
  assert.equal(exported.headers['content-type'], 'application/zip');
  assert.match(
    exported.headers['content-disposition'] as string,
    /^attachment; filename="qti-bank-[0-9a-f]{8}\.zip"$/,
  );
  assert.equal(exported.headers['x-eduspry-not-exported'], '1');
  const files = unzipSync(new Uint8Array(exported.raw));
  const report = JSON.parse(strFromU8(files['eduspry-export-report.json']!));
  assert.deepEqual(
    report.notExported.map((n: Json) => [n.title, n.type]),
    [['Calc', 'calculated']],
  );
  assert.equal(report.exported.length, QUESTIONS.length - 1);
  assert.ok(files['imsmanifest.xml']);

  // Into another bank: the same questions; into the same bank: nothing new.
  const other = await setup();
  const into = expectOk(await upload(other.teacher, other.bankId, new Uint8Array(exported.raw)));
  assert.equal(into.skipped.length, 0);
  const original = (await questionsOf(course.teacher, bank.bankId)).filter((q) => q.type !== 'calculated');
  const copied = await questionsOf(other.teacher, other.bankId);
  assert.deepEqual(
    copied.map((q) => [q.title, q.points, q.spec]),
    original.map((q) => [q.title, q.points, q.spec]),
  );
  const same = expectOk(await upload(course.teacher, bank.bankId, new Uint8Array(exported.raw)));
  assert.ok(same.imported.every((i: Json) => i.status === 'unchanged'));
  assert.equal((await questionsOf(course.teacher, bank.bankId)).length, QUESTIONS.length);
});

test('a single assessmentItem XML imports on its own', async () => {
  const s = await setup();
  const xml = readFileSync(join(FIXTURE, 'items/i_capital.xml'), 'utf8');
  const result = expectOk(await upload(s.teacher, s.bankId, xml, 'text/xml; charset=utf-8'));
  assert.deepEqual(
    result.imported.map((i: Json) => i.identifier),
    ['i_capital'],
  );
  // Text over a type's limits (a 20,000-character prompt) is skipped by name, not truncated.
  const long = expectOk(
    await upload(s.teacher, s.bankId, item(`<p>${'x'.repeat(25_000)}</p>`), 'application/xml'),
  );
  assert.equal(long.imported.length, 0);
  assert.equal(long.skipped[0].identifier, 'x');
  assert.match(long.skipped[0].reason, /^not a valid text_only question/);
  assert.equal((await questionsOf(s.teacher, s.bankId)).length, 1);
});

const deep = (n: number) => `${'<div>'.repeat(n)}x${'</div>'.repeat(n)}`;
const item = (body: string) =>
  `<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="x" title="x"><itemBody>${body}</itemBody></assessmentItem>`;

test('hostile files are a clear 4xx problem and nothing is stored', async () => {
  const s = await setup();
  const cases: [string, Uint8Array | string, string, number, string][] = [
    [
      'XXE',
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${item('<p>&e;</p>')}`,
      'application/xml',
      400,
      'qti-unsafe',
    ],
    [
      'zip bomb',
      zipSync({ 'imsmanifest.xml': new Uint8Array(40 * 1024 * 1024).fill(0x20) }, { level: 9 }),
      'application/zip',
      413,
      'qti-too-large',
    ],
    [
      '../ names',
      fixtureZip((files) => {
        files['../../../tmp/evil.xml'] = strToU8(item('<p>x</p>'));
      }),
      'application/zip',
      400,
      'qti-unsafe',
    ],
    ['garbage', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 'application/octet-stream', 400, 'qti-invalid'],
    ['truncated zip', fixtureZip().subarray(0, 200), 'application/zip', 400, 'qti-invalid'],
    ['deep nesting', item(deep(200)), 'application/xml', 400, 'qti-unsafe'],
    // The kit answers Fastify's own body-limit problem (type fst-err-ctp-body-too-large).
    ['10 MB+ body', new Uint8Array(10 * 1024 * 1024 + 1), 'application/zip', 413, ''],
    ['JSON instead of a file', '{"a":1}', 'application/json', 415, 'unsupported-media-type'],
  ];
  for (const [name, body, type, status, code] of cases) {
    const reply = await upload(s.teacher, s.bankId, body, type);
    assert.equal(reply.status, status, `${name}: ${JSON.stringify(reply.body)}`);
    assert.match(reply.headers['content-type'] as string, /problem\+json/, name);
    if (code) assert.ok(problems.is(reply.body, code as never), `${name}: ${JSON.stringify(reply.body)}`);
  }
  assert.equal((await questionsOf(s.teacher, s.bankId)).length, 0);
});

test("a student and another tenant's staff are refused, and nothing is stored", async () => {
  const s = await setup();
  const student = await upload(s.students[0]!, s.bankId, fixtureZip());
  assert.equal(student.status, 403);
  const otherTenant = await h.newTenant();
  const outsider = await h.user(['instructor'], otherTenant);
  const foreign = await upload(outsider, s.bankId, fixtureZip());
  assert.equal(foreign.status, 404);
  assert.ok(problems.is(foreign.body, 'bank-not-found'));
  const studentExport = await download(s.students[0]!, s.bankId);
  assert.equal(studentExport.status, 403);
  assert.equal((await download(outsider, s.bankId)).status, 404);
  assert.equal((await questionsOf(s.teacher, s.bankId)).length, 0);
});

test('shared banks: tenant instructors and admins import; students cannot', async () => {
  const admin = await h.user(['tenant_admin']);
  const bank = expectOk(await h.call(admin, 'POST', '/banks', { title: 'District bank' }), 201);
  const result = expectOk(await upload(admin, bank.id, fixtureZip()));
  assert.equal(result.imported.length, 6);
  const student = await h.user(['student']);
  assert.equal((await upload(student, bank.id, fixtureZip())).status, 403);
});
