import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { withTenant } from '@eduspry/common';
import { bankWith, QUESTIONS, rightAnswer } from './fixtures.ts';
import {
  courseWith,
  expectOk,
  type Harness,
  harness,
  type Json,
  placeQuiz,
  type Reply,
  type User,
} from './helpers.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

/** Strings that only the key, a grader or another student could know. */
const SECRETS = [
  'KEYFEEDBACK-mc',
  'KEYSHAKESPEARE',
  'KEYBLUE',
  'HIDDENGRADERNOTE',
  'RUBRICHIDDENNOTE',
  '7919',
  'ACCESSCODE-XYZ',
  'FILEGRADERNOTE',
];
/** Keys that only exist in authored questions, draws and grader data. */
const SECRET_KEYS = [
  'correct',
  'accepted',
  'graderNotes',
  'hiddenNote',
  'formula',
  'drawn',
  'seed',
  'tokens',
  'spec',
  'answers',
  'accessCode',
  'rubricLevels',
  'gradedBy',
  'criteria',
];

/** Every key and string anywhere in a body. */
function walk(value: unknown, keys: Set<string>, strings: string[]): void {
  if (typeof value === 'string') strings.push(value);
  else if (typeof value === 'number') strings.push(String(value));
  else if (Array.isArray(value)) for (const v of value) walk(v, keys, strings);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      keys.add(k);
      walk(v, keys, strings);
    }
}

function leaks(reply: Reply, extraSecrets: string[] = []): string[] {
  const keys = new Set<string>();
  const strings: string[] = [];
  walk(reply.body ?? reply.text, keys, strings);
  const text = `${reply.text}\n${strings.join('\n')}`;
  return [
    ...SECRET_KEYS.filter((k) => keys.has(k)).map((k) => `key "${k}"`),
    ...[...SECRETS, ...extraSecrets].filter((s) => text.includes(s)).map((s) => `text "${s}"`),
  ];
}

/** Records every response a student receives, so the test can walk all of them. */
function recorder(student: User) {
  const seen: { what: string; reply: Reply }[] = [];
  return {
    seen,
    async call(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) {
      const reply = await h.call(student, method, url, payload);
      seen.push({ what: `${method} ${url}`, reply });
      return reply;
    },
  };
}

test("no student-facing response of a whole quiz lifecycle carries a key, a hidden note or another student's answer before release", async () => {
  const course = await courseWith(h, 2);
  const [alice, bob] = course.students as [User, User];
  const rubric = expectOk(
    await h.call(course.teacher, 'POST', '/rubrics', {
      courseId: course.courseId,
      title: 'R',
      criteria: [
        {
          id: 'c',
          title: 'Content',
          hiddenNote: 'RUBRICHIDDENNOTE',
          levels: [{ id: 'ok', title: 'OK', points: 1 }],
        },
      ],
    }),
    201,
  );
  const bank = await bankWith(h, course.teacher, course.courseId, [
    ...QUESTIONS.map((q) => (q.spec.type === 'essay' ? { ...q, rubricId: rubric.id } : q)),
    {
      title: 'Upload',
      spec: { type: 'file_response', prompt: 'Upload your lab', graderNotes: 'FILEGRADERNOTE' },
    },
  ]);
  const dueAt = new Date(Date.now() + 3_600_000).toISOString();
  const quiz = expectOk(
    await h.call(course.teacher, 'POST', `/courses/${course.courseId}/quizzes`, {
      title: 'Leak quiz',
      accessCode: 'ACCESSCODE-XYZ',
      releasePolicy: 'after_due',
      dueAt,
      timeLimitSeconds: 3600,
      shuffleQuestions: true,
      sections: [{ kind: 'fixed', questionIds: bank.questionIds }],
    }),
    201,
  );
  await placeQuiz(h, course, quiz.id);
  const recorders = [recorder(alice), recorder(bob)];
  const attempts: Json[] = [];
  for (const [i, student] of [alice, bob].entries()) {
    const r = recorders[i]!;
    await r.call('GET', `/courses/${course.courseId}/quizzes`);
    await r.call('GET', `/quizzes/${quiz.id}`);
    await r.call('GET', `/me/quizzes?ids=${quiz.id}`);
    await r.call('POST', `/quizzes/${quiz.id}/attempts`, {});
    const attempt = expectOk(
      await r.call('POST', `/quizzes/${quiz.id}/attempts`, { accessCode: 'ACCESSCODE-XYZ' }),
      201,
    );
    attempts.push(attempt);
    await r.call('POST', `/quizzes/${quiz.id}/attempts`, { accessCode: 'ACCESSCODE-XYZ' });
    const review = expectOk(await h.call(course.teacher, 'GET', `/attempts/${attempt.id}/review`));
    for (const q of review.questions) {
      let answer = rightAnswer(q);
      if (answer === null) continue;
      // Answers of their own (a student typing the key is no leak; the key text must come from nowhere else).
      if (q.type === 'essay') answer = { text: `OTHERSTUDENT-${i} writes about gravity` };
      if (q.type === 'short_answer') answer = { text: `guess-${i}` };
      if (q.type === 'cloze') answer = { blanks: { c: `guess-${i}` } };
      expectOk(await r.call('PUT', `/attempts/${attempt.id}/answers/${q.position}`, { answer }));
    }
    await r.call('PUT', `/attempts/${attempt.id}/answers/0`, { answer: { nonsense: true } });
    await r.call('GET', `/attempts/${attempt.id}`);
    expectOk(await r.call('POST', `/attempts/${attempt.id}/submit`));
    await r.call('POST', `/attempts/${attempt.id}/submit`);
    await r.call('GET', `/attempts/${attempt.id}`);
    await r.call('GET', `/me/quizzes?ids=${quiz.id}`);
    void student;
  }
  // The teacher grades the essays: the students' later views show their score, not the notes.
  for (const attempt of attempts) {
    const review = expectOk(await h.call(course.teacher, 'GET', `/attempts/${attempt.id}/review`));
    const essay = review.questions.find((q: Json) => q.type === 'essay');
    expectOk(
      await h.call(course.teacher, 'POST', `/attempts/${attempt.id}/questions/${essay.position}/grade`, {
        rubric: { c: 'ok' },
      }),
    );
  }
  const [ra, rb] = recorders as [ReturnType<typeof recorder>, ReturnType<typeof recorder>];
  // Alice goes looking: Bob's attempt, and every staff route.
  const staffRoutes: [string, string, unknown?][] = [
    ['GET', `/attempts/${attempts[1].id}`],
    ['PUT', `/attempts/${attempts[1].id}/answers/0`, { answer: { value: true } }],
    ['POST', `/attempts/${attempts[1].id}/submit`],
    ['GET', `/attempts/${attempts[1].id}/review`],
    ['GET', `/attempts/${attempts[0].id}/review`],
    ['GET', `/courses/${course.courseId}/grading-queue`],
    ['GET', `/courses/${course.courseId}/gradebook`],
    ['GET', `/courses/${course.courseId}/gradebook.csv`],
    ['GET', `/quizzes/${quiz.id}/attempts`],
    ['GET', `/quizzes/${quiz.id}/grades/${bob.id}/audit`],
    ['PUT', `/quizzes/${quiz.id}/grades/${alice.id}`, { score: 100, reason: 'I deserve it' }],
    ['POST', `/quizzes/${quiz.id}/regrade`, {}],
    ['PATCH', `/quizzes/${quiz.id}`, { title: 'Mine now' }],
    ['GET', `/banks?courseId=${course.courseId}`],
    ['GET', `/banks/${bank.bankId}/questions`],
    ['GET', `/questions/${bank.questionIds[0]}`],
    ['GET', `/questions/${bank.questionIds[0]}/versions`],
    ['GET', `/rubrics/${rubric.id}`],
    ['POST', `/attempts/${attempts[0].id}/questions/0/grade`, { score: 1 }],
  ];
  for (const [method, url, payload] of staffRoutes) {
    const reply = await ra.call(method as 'GET', url, payload);
    assert.ok([403, 404].includes(reply.status), `${method} ${url} answered ${reply.status}`);
  }
  await ra.call('GET', `/courses/${course.courseId}/gradebook/me`);
  await ra.call('GET', `/courses/${course.courseId}/grade-categories`);
  await ra.call('GET', `/me/quizzes?ids=${quiz.id}`);

  const found: string[] = [];
  for (const { what, reply } of ra.seen)
    for (const leak of leaks(reply, ['OTHERSTUDENT-1'])) found.push(`alice ${what}: ${leak}`);
  for (const { what, reply } of rb.seen)
    for (const leak of leaks(reply, ['OTHERSTUDENT-0'])) found.push(`bob ${what}: ${leak}`);
  assert.deepEqual(found, []);
  assert.ok(ra.seen.length > 40, 'the walk covered the lifecycle');

  // Nor do the events say anything a student may not know.
  const outbox = await h.admin<
    { payload: Json }[]
  >`select payload from assessment.outbox where tenant_id = ${h.tenant.id}`;
  for (const { payload } of outbox)
    assert.deepEqual(
      leaks({ status: 200, body: payload, text: JSON.stringify(payload), headers: {} }, ['OTHERSTUDENT']),
      [],
    );

  // The walk can fail: once the due date passes, the correct answers are released and found.
  h.clock.offsetMs = 2 * 3_600_000;
  try {
    const released = await h.call(alice, 'GET', `/attempts/${attempts[0].id}`);
    assert.equal(released.body.released, true);
    assert.ok(leaks(released).includes('key "correct"'));
    assert.ok(leaks(released).includes('text "KEYSHAKESPEARE"'));
    assert.ok(
      !leaks(released).some((l) => /HIDDEN|OTHERSTUDENT-1|7919/.test(l)),
      "hidden notes and others' answers stay hidden",
    );
  } finally {
    h.clock.offsetMs = 0;
  }
});

test("tenants are apart: another tenant's students and teachers can neither see, start nor grade anything", async () => {
  const course = await courseWith(h, 1);
  const bank = await bankWith(h, course.teacher, course.courseId, QUESTIONS.slice(0, 3));
  const quiz = expectOk(
    await h.call(course.teacher, 'POST', `/courses/${course.courseId}/quizzes`, {
      title: 'Q',
      sections: [{ kind: 'fixed', questionIds: bank.questionIds }],
    }),
    201,
  );
  await placeQuiz(h, course, quiz.id);
  const attempt = expectOk(
    await h.call(course.students[0]!, 'POST', `/quizzes/${quiz.id}/attempts`, {}),
    201,
  );
  expectOk(await h.call(course.students[0]!, 'POST', `/attempts/${attempt.id}/submit`));

  const other = await h.newTenant();
  const outsider = await h.user(['student'], other);
  const outsideTeacher = await h.user(['instructor', 'tenant_admin'], other);
  for (const [who, method, url, payload] of [
    [outsider, 'GET', `/quizzes/${quiz.id}`],
    [outsider, 'POST', `/quizzes/${quiz.id}/attempts`, {}],
    [outsider, 'GET', `/attempts/${attempt.id}`],
    [outsider, 'POST', `/attempts/${attempt.id}/submit`],
    [outsider, 'GET', `/courses/${course.courseId}/gradebook/me`],
    [outsideTeacher, 'GET', `/attempts/${attempt.id}/review`],
    [outsideTeacher, 'GET', `/courses/${course.courseId}/gradebook`],
    [outsideTeacher, 'POST', `/courses/${course.courseId}/quizzes`, { title: 'Intruder' }],
    [outsideTeacher, 'GET', `/banks/${bank.bankId}/questions`],
    [
      outsideTeacher,
      'PUT',
      `/quizzes/${quiz.id}/grades/${course.students[0]!.id}`,
      { score: 0, reason: 'sabotage' },
    ],
    [outsideTeacher, 'POST', `/quizzes/${quiz.id}/regrade`, {}],
  ] as [User, 'GET', string, unknown?][]) {
    const reply = await h.call(who, method, url, payload);
    assert.equal(reply.status, 404, `${method} ${url} answered ${reply.status}: ${reply.text}`);
    const { instance: _asked, ...said } = reply.body ?? {};
    assert.doesNotMatch(JSON.stringify(said), new RegExp(course.students[0]!.id));
  }
  // Underneath the checks, Row-Level Security hides the rows themselves.
  const rows = await withTenant(
    h.ctx.sql,
    outsideTeacher.claims,
    (tx) => tx`
    select (select count(*) from assessment.quizzes where id = ${quiz.id})::int as quizzes,
           (select count(*) from assessment.attempts where id = ${attempt.id})::int as attempts,
           (select count(*) from assessment.question_versions where question_id = ${bank.questionIds[0]!})::int as versions`,
  );
  assert.deepEqual({ ...rows[0] }, { quizzes: 0, attempts: 0, versions: 0 });
});

test('a student who is not enrolled cannot start, and requests without a valid token get 401', async () => {
  const course = await courseWith(h, 0);
  const bank = await bankWith(h, course.teacher, course.courseId, QUESTIONS.slice(0, 1));
  const quiz = expectOk(
    await h.call(course.teacher, 'POST', `/courses/${course.courseId}/quizzes`, {
      title: 'Q',
      sections: [{ kind: 'fixed', questionIds: bank.questionIds }],
    }),
    201,
  );
  await placeQuiz(h, course, quiz.id);
  const stranger = await h.user(['student']);
  const refused = await h.call(stranger, 'POST', `/quizzes/${quiz.id}/attempts`, {});
  assert.equal(refused.status, 403);
  assert.equal(refused.body.type.endsWith('/not-enrolled'), true);
  const anonymous = await h.call(undefined, 'POST', `/quizzes/${quiz.id}/attempts`, {});
  assert.equal(anonymous.status, 401);
  const forged = await h.call(
    { ...stranger, token: `${stranger.token.slice(0, -4)}AAAA` },
    'GET',
    `/quizzes/${quiz.id}`,
  );
  assert.equal(forged.status, 401);
});
