import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { withTenant } from '@eduspry/common';
import { candidatesFor, listSections } from '../src/db/quizzes.ts';
import { autoSubmitOverdue, materialise } from '../src/domain/attempts.ts';
import { problems } from '../src/problems.ts';
import { bankWith, QUESTIONS, rightAnswer } from './fixtures.ts';
import { courseWith, expectOk, type Harness, harness, type Json, placeQuiz } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

async function quizSetup(settings: Json = {}, students = 1) {
  const course = await courseWith(h, students);
  const bank = await bankWith(h, course.teacher, course.courseId);
  const quiz = expectOk(
    await h.call(course.teacher, 'POST', `/courses/${course.courseId}/quizzes`, {
      title: 'Quiz 1',
      sections: [
        { kind: 'fixed', questionIds: bank.questionIds.slice(0, 6) },
        { kind: 'random', bankId: bank.bankId, count: 3, pointsEach: 1 },
      ],
      ...settings,
    }),
    201,
  );
  await placeQuiz(h, course, quiz.id);
  return { ...course, ...bank, quizId: quiz.id as string, quiz };
}

async function answerAll(attempt: Json, user: Json, teacher: Json) {
  const review = expectOk(await h.call(teacher, 'GET', `/attempts/${attempt.id}/review`));
  for (const q of review.questions) {
    const answer = rightAnswer(q);
    if (answer === null) continue;
    expectOk(await h.call(user, 'PUT', `/attempts/${attempt.id}/answers/${q.position}`, { answer }));
  }
}

test('a student starts, resumes on another device, autosaves, submits once and is auto-graded', async () => {
  const s = await quizSetup();
  const [student] = s.students;
  assert.equal(s.quiz.pointsPossible, 1 + 2 + 1 + 1 + 1 + 4 + 3);
  const started = expectOk(await h.call(student!, 'POST', `/quizzes/${s.quizId}/attempts`, {}), 201);
  assert.equal(started.questions.length, 9);
  assert.equal(started.status, 'in_progress');
  const resumed = expectOk(await h.call(student!, 'POST', `/quizzes/${s.quizId}/attempts`, {}));
  assert.equal(resumed.id, started.id);
  assert.equal(resumed.resumed, true);
  assert.deepEqual(
    resumed.questions.map((q: Json) => q.payload),
    started.questions.map((q: Json) => q.payload),
    'the same attempt renders the same way',
  );
  await answerAll(started, student, s.teacher);
  const reloaded = expectOk(await h.call(student!, 'GET', `/attempts/${started.id}`));
  assert.ok(reloaded.questions.filter((q: Json) => q.answer !== null).length >= 8);
  const submitted = expectOk(await h.call(student!, 'POST', `/attempts/${started.id}/submit`));
  assert.equal(submitted.status, 'submitted');
  assert.equal(submitted.gradingState, 'pending', 'the essay waits for a grader');
  assert.equal(submitted.score, submitted.pointsPossible - 4);
  const again = expectOk(await h.call(student!, 'POST', `/attempts/${started.id}/submit`));
  assert.equal(again.submittedAt, submitted.submittedAt);
  assert.equal(again.score, submitted.score);
  const late = await h.call(student!, 'PUT', `/attempts/${started.id}/answers/0`, {
    answer: { choice: 'x' },
  });
  assert.equal(late.status, 409);
  assert.ok(problems.is(late.body, 'attempt-submitted'));
  const events = await h.events('assessment.attempt.submitted');
  assert.equal(
    events.filter((e) => e.data.attemptId === started.id).length,
    1,
    'one event despite two submits',
  );
});

test('a save or submit past deadline + grace is refused and the attempt keeps what was saved in time', async () => {
  const s = await quizSetup({ timeLimitSeconds: 60 });
  const [student] = s.students;
  const attempt = expectOk(await h.call(student!, 'POST', `/quizzes/${s.quizId}/attempts`, {}), 201);
  assert.ok(attempt.timeRemainingSeconds <= 60 && attempt.timeRemainingSeconds >= 58);
  const tf = attempt.questions.find((q: Json) => q.type === 'true_false');
  expectOk(
    await h.call(student!, 'PUT', `/attempts/${attempt.id}/answers/${tf.position}`, {
      answer: { value: true },
    }),
  );
  h.clock.offsetMs = 65_000; // past the deadline, within the 10 s grace: still accepted
  expectOk(
    await h.call(student!, 'PUT', `/attempts/${attempt.id}/answers/${tf.position}`, {
      answer: { value: true },
    }),
  );
  h.clock.offsetMs = 75_000;
  try {
    const refused = await h.call(student!, 'PUT', `/attempts/${attempt.id}/answers/${tf.position}`, {
      answer: { value: false },
    });
    assert.equal(refused.status, 409);
    assert.ok(problems.is(refused.body, 'attempt-deadline-passed'));
    assert.match(refused.headers['content-type'] as string, /problem\+json/);
    const view = expectOk(await h.call(student!, 'GET', `/attempts/${attempt.id}`));
    assert.equal(view.status, 'submitted');
    assert.equal(view.autoSubmitted, true);
    assert.equal(view.submittedAt, attempt.deadlineAt);
    assert.deepEqual(view.questions.find((q: Json) => q.position === tf.position).answer, { value: true });
    const submit = await h.call(student!, 'POST', `/attempts/${attempt.id}/submit`);
    assert.equal(submit.status, 200, 'the attempt is already submitted: submit is idempotent');
  } finally {
    h.clock.offsetMs = 0;
  }
});

test('the sweeper submits attempts left open past their deadline', async () => {
  const s = await quizSetup({ timeLimitSeconds: 30 });
  const [student] = s.students;
  const attempt = expectOk(await h.call(student!, 'POST', `/quizzes/${s.quizId}/attempts`, {}), 201);
  h.clock.offsetMs = 60_000;
  try {
    assert.ok((await autoSubmitOverdue(h.ctx)) >= 1);
  } finally {
    h.clock.offsetMs = 0;
  }
  const [row] =
    await h.admin`select status, auto_submitted from assessment.attempts where id = ${attempt.id}`;
  assert.deepEqual({ ...row }, { status: 'submitted', auto_submitted: true });
  const submitted = await h.call(student!, 'POST', `/attempts/${attempt.id}/submit`);
  assert.equal(submitted.body.autoSubmitted, true);
});

test('attempts allowed, accommodations with an extra attempt, access codes and availability windows', async () => {
  const s = await quizSetup({ accessCode: 'OPEN-SESAME', attemptsAllowed: 1, scoringPolicy: 'highest' });
  const [student] = s.students;
  const noCode = await h.call(student!, 'POST', `/quizzes/${s.quizId}/attempts`, {});
  assert.ok(problems.is(noCode.body, 'access-code-required'));
  const first = expectOk(
    await h.call(student!, 'POST', `/quizzes/${s.quizId}/attempts`, { accessCode: 'OPEN-SESAME' }),
    201,
  );
  expectOk(await h.call(student!, 'POST', `/attempts/${first.id}/submit`));
  const none = await h.call(student!, 'POST', `/quizzes/${s.quizId}/attempts`, { accessCode: 'OPEN-SESAME' });
  assert.ok(problems.is(none.body, 'no-attempts-left'));
  expectOk(
    await h.call(s.teacher, 'PUT', `/quizzes/${s.quizId}/accommodations/${student!.id}`, {
      extraAttempts: 1,
      extraTimeSeconds: 600,
    }),
  );
  const second = expectOk(
    await h.call(student!, 'POST', `/quizzes/${s.quizId}/attempts`, { accessCode: 'OPEN-SESAME' }),
    201,
  );
  assert.equal(second.number, 2);
  const closed = await quizSetup({
    closesAt: new Date(Date.now() - 1000).toISOString(),
    opensAt: new Date(Date.now() - 5000).toISOString(),
  });
  const refused = await h.call(closed.students[0]!, 'POST', `/quizzes/${closed.quizId}/attempts`, {});
  assert.ok(problems.is(refused.body, 'quiz-not-open'));
});

test('malformed answers are refused with a 4xx problem, never a 5xx', async () => {
  const s = await quizSetup();
  const [student] = s.students;
  const attempt = expectOk(await h.call(student!, 'POST', `/quizzes/${s.quizId}/attempts`, {}), 201);
  const mc = attempt.questions.find((q: Json) => q.type === 'multiple_choice');
  for (const answer of [
    { choice: 5 },
    { text: 'x' },
    'string',
    [1, 2],
    { choice: 'a\u0000b', extra: true },
  ]) {
    const reply = await h.call(student!, 'PUT', `/attempts/${attempt.id}/answers/${mc.position}`, { answer });
    assert.equal(reply.status, 400, JSON.stringify(answer));
  }
  let deep: Json = {};
  for (let i = 0; i < 500; i++) deep = { a: deep };
  const nested = await h.call(student!, 'PUT', `/attempts/${attempt.id}/answers/${mc.position}`, {
    answer: deep,
  });
  assert.ok(nested.status >= 400 && nested.status < 500);
  const huge = await h.call(student!, 'PUT', `/attempts/${attempt.id}/answers/${mc.position}`, {
    answer: { text: 'x'.repeat(600_000) },
  });
  assert.equal(huge.status, 413);
  const nowhere = await h.call(student!, 'PUT', `/attempts/${attempt.id}/answers/999`, {
    answer: { value: true },
  });
  assert.equal(nowhere.status, 404);
  const wrongType = await h.call(student!, 'PUT', `/attempts/not-a-uuid/answers/0`, { answer: null });
  assert.equal(wrongType.status, 400);
});

test('editing a used question adds a version; regrading moves attempts to it with history and audit', async () => {
  const s = await quizSetup();
  const [student] = s.students;
  const attempt = expectOk(await h.call(student!, 'POST', `/quizzes/${s.quizId}/attempts`, {}), 201);
  const review = expectOk(await h.call(s.teacher, 'GET', `/attempts/${attempt.id}/review`));
  const tf = review.questions.find((q: Json) => q.type === 'true_false');
  expectOk(
    await h.call(student!, 'PUT', `/attempts/${attempt.id}/answers/${tf.position}`, {
      answer: { value: false },
    }),
  );
  const before = expectOk(await h.call(student!, 'POST', `/attempts/${attempt.id}/submit`));
  const edited = expectOk(
    await h.call(s.teacher, 'PATCH', `/questions/${tf.questionId}`, {
      spec: { ...QUESTIONS[2]!.spec, correct: false },
    }),
  );
  assert.equal(edited.versionCreated, true);
  assert.equal(edited.currentVersion, 2);
  const unchanged = expectOk(await h.call(student!, 'GET', `/attempts/${attempt.id}`));
  assert.equal(unchanged.score, before.score, 'no regrade until asked');
  const result = expectOk(await h.call(s.teacher, 'POST', `/quizzes/${s.quizId}/regrade`, {}));
  assert.equal(result.attemptsRegraded, 1);
  assert.equal(result.attemptScoresChanged, 1);
  const after = expectOk(await h.call(student!, 'GET', `/attempts/${attempt.id}`));
  assert.equal(after.score, before.score + 1);
  const history = expectOk(await h.call(s.teacher, 'GET', `/questions/${tf.questionId}/regrades`));
  assert.deepEqual([history[0].fromVersion, history[0].toVersion], [1, 2]);
  const audit = expectOk(await h.call(s.teacher, 'GET', `/quizzes/${s.quizId}/grades/${student!.id}/audit`));
  assert.equal(audit.at(-1).action, 'regrade');
  const versions = expectOk(await h.call(s.teacher, 'GET', `/questions/${tf.questionId}/versions`));
  assert.equal(versions.length, 2);
  const same = expectOk(
    await h.call(s.teacher, 'PATCH', `/questions/${tf.questionId}`, {
      title: 'Renamed only',
      spec: { ...QUESTIONS[2]!.spec, correct: false },
      points: edited.points,
    }),
  );
  assert.equal(same.versionCreated, false, 'the same key and points again make no version');
  assert.equal(same.currentVersion, 2);
  assert.equal(same.title, 'Renamed only');
});

test('manual grading by rubric, feedback, grade_posted once nothing waits, and an audited override', async () => {
  const course = await courseWith(h, 1);
  const rubric = expectOk(
    await h.call(course.teacher, 'POST', '/rubrics', {
      courseId: course.courseId,
      title: 'Essay rubric',
      criteria: [
        {
          id: 'clarity',
          title: 'Clarity',
          hiddenNote: 'RUBRICHIDDENNOTE',
          levels: [
            { id: 'poor', title: 'Poor', points: 0 },
            { id: 'good', title: 'Good', points: 2 },
          ],
        },
        {
          id: 'facts',
          title: 'Facts',
          levels: [
            { id: 'none', title: 'None', points: 0 },
            { id: 'all', title: 'All', points: 2 },
          ],
        },
      ],
    }),
    201,
  );
  const bank = expectOk(
    await h.call(course.teacher, 'POST', '/banks', { courseId: course.courseId, title: 'B' }),
    201,
  );
  const essay = expectOk(
    await h.call(course.teacher, 'POST', `/banks/${bank.id}/questions`, {
      ...QUESTIONS[5],
      rubricId: rubric.id,
    }),
    201,
  );
  const quiz = expectOk(
    await h.call(course.teacher, 'POST', `/courses/${course.courseId}/quizzes`, {
      title: 'Essay',
      sections: [{ kind: 'fixed', questionIds: [essay.id] }],
    }),
    201,
  );
  await placeQuiz(h, course, quiz.id);
  const [student] = course.students;
  const attempt = expectOk(await h.call(student!, 'POST', `/quizzes/${quiz.id}/attempts`, {}), 201);
  expectOk(
    await h.call(student!, 'PUT', `/attempts/${attempt.id}/answers/0`, {
      answer: { text: 'Mass attracts mass.' },
    }),
  );
  expectOk(await h.call(student!, 'POST', `/attempts/${attempt.id}/submit`));
  assert.equal(
    (await h.events('assessment.grading.grade_posted')).filter((e) => e.data.quizId === quiz.id).length,
    0,
  );
  const queue = expectOk(await h.call(course.teacher, 'GET', `/courses/${course.courseId}/grading-queue`));
  assert.equal(queue.length, 1);
  assert.equal(queue[0].rubric.criteria[0].hiddenNote, 'RUBRICHIDDENNOTE');
  const bad = await h.call(course.teacher, 'POST', `/attempts/${attempt.id}/questions/0/grade`, {
    rubric: { clarity: 'excellent', facts: 'all' },
  });
  assert.ok(problems.is(bad.body, 'rubric-level-invalid'));
  const graded = expectOk(
    await h.call(course.teacher, 'POST', `/attempts/${attempt.id}/questions/0/grade`, {
      rubric: { clarity: 'good', facts: 'none' },
      feedback: 'Add facts.',
    }),
  );
  assert.equal(graded.score, 2);
  assert.equal(graded.gradingState, 'complete');
  const posted = (await h.events('assessment.grading.grade_posted')).filter((e) => e.data.quizId === quiz.id);
  assert.deepEqual([posted.length, posted[0].data.source, posted[0].data.score], [1, 'manual', 2]);
  const view = expectOk(await h.call(student!, 'GET', `/attempts/${attempt.id}`));
  assert.equal(view.questions[0].feedback, 'Add facts.');
  assert.doesNotMatch(JSON.stringify(view), /RUBRICHIDDENNOTE|HIDDENGRADERNOTE/);
  const noReason = await h.call(course.teacher, 'PUT', `/quizzes/${quiz.id}/grades/${student!.id}`, {
    score: 3,
  });
  assert.equal(noReason.status, 400);
  expectOk(
    await h.call(course.teacher, 'PUT', `/quizzes/${quiz.id}/grades/${student!.id}`, {
      score: 3.5,
      reason: 'Late rubric fix',
    }),
  );
  const audit = expectOk(
    await h.call(course.teacher, 'GET', `/quizzes/${quiz.id}/grades/${student!.id}/audit`),
  );
  assert.deepEqual(
    audit.map((a: Json) => a.action),
    ['manual_grade', 'override'],
  );
  assert.equal(audit[1].reason, 'Late rubric fix');
  const mine = expectOk(await h.call(student!, 'GET', `/courses/${course.courseId}/gradebook/me`));
  assert.equal(mine.items[0].score, 3.5);
});

test("a quiz's summary before starting: the caller's own dates and attempts, nothing of anyone else's", async () => {
  const s = await quizSetup({ attemptsAllowed: 2, accessCode: 'OPEN-SESAME', releasePolicy: 'never' }, 2);
  const [student, other] = s.students;
  expectOk(
    await h.call(s.teacher, 'PUT', `/quizzes/${s.quizId}/accommodations/${student!.id}`, {
      extraAttempts: 1,
      extraTimeSeconds: 60,
    }),
  );
  const before = expectOk(await h.call(student!, 'GET', `/me/quizzes?ids=${s.quizId}`));
  assert.equal(before.items.length, 1);
  const [summary] = before.items;
  assert.equal(summary.attemptsAllowed, 3, 'extra attempts count');
  assert.equal(summary.attemptsUsed, 0);
  assert.equal(summary.accessCodeRequired, true);
  assert.equal('accessCode' in summary, false);
  assert.deepEqual(summary.attempts, []);

  const started = expectOk(
    await h.call(student!, 'POST', `/quizzes/${s.quizId}/attempts`, { accessCode: 'OPEN-SESAME' }),
    201,
  );
  expectOk(await h.call(student!, 'POST', `/attempts/${started.id}/submit`));
  expectOk(await h.call(other!, 'POST', `/quizzes/${s.quizId}/attempts`, { accessCode: 'OPEN-SESAME' }), 201);
  const unknown = crypto.randomUUID();
  const after = expectOk(
    await h.call(student!, 'GET', `/me/quizzes?ids=${s.quizId}&ids=${unknown}&ids=${s.quizId}`),
  );
  assert.equal(after.items.length, 1, 'an unknown quiz is left out, a repeated one listed once');
  const [mine] = after.items;
  assert.equal(mine.attemptsUsed, 1);
  assert.deepEqual(
    mine.attempts.map((a: Json) => [a.id, a.status, a.released]),
    [[started.id, 'submitted', false]],
  );
  assert.equal(typeof mine.attempts[0].score, 'number', 'the total once submitted, as on the attempt');

  const stranger = await h.user(['student']);
  const none = expectOk(await h.call(stranger, 'GET', `/me/quizzes?ids=${s.quizId}`));
  assert.deepEqual(none.items, [], 'not a member of the course: not listed');
  const bad = await h.call(student!, 'GET', '/me/quizzes?ids=not-a-uuid');
  assert.equal(bad.status, 400);
});

test('a random draw never takes a fixed question, and a quiz whose draws could run short is refused', async () => {
  const course = await courseWith(h, 1);
  const statements = ['One', 'Two', 'Three', 'Four', 'Five'].map((title) => ({
    title,
    spec: { type: 'true_false', prompt: `${title} is a number`, correct: true },
  }));
  const bank = await bankWith(h, course.teacher, course.courseId, statements);
  const [q1, q2] = bank.questionIds;
  const create = (sections: Json[]) =>
    h.call(course.teacher, 'POST', `/courses/${course.courseId}/quizzes`, { title: 'Draws', sections });
  // Five in the bank, two of them fixed: a draw of four could only succeed by luck.
  const short = await create([
    { kind: 'fixed', questionIds: [q1, q2] },
    { kind: 'random', bankId: bank.bankId, count: 4 },
  ]);
  assert.ok(problems.is(short.body, 'not-enough-questions'), short.text);
  // Two draws of two from the three left: the second may find only one.
  const twice = await create([
    { kind: 'random', bankId: bank.bankId, count: 2 },
    { kind: 'random', bankId: bank.bankId, count: 2 },
    { kind: 'fixed', questionIds: [q1, q2] },
  ]);
  assert.ok(problems.is(twice.body, 'not-enough-questions'), twice.text);

  // A draw before the fixed section it shares a bank with: every attempt has all five, once each.
  const quiz = expectOk(
    await create([
      { kind: 'random', bankId: bank.bankId, count: 3 },
      { kind: 'fixed', questionIds: [q1, q2] },
    ]),
    201,
  );
  await placeQuiz(h, course, quiz.id);
  const [sections, candidates] = await withTenant(h.ctx.sql, course.teacher.claims, async (tx) => {
    const sections = await listSections(tx, quiz.id);
    return [sections, await candidatesFor(tx, [q1!, q2!], [bank.bankId])] as const;
  });
  for (let seed = 0; seed < 50; seed++) {
    const ids = materialise({ shuffleQuestions: false }, sections, candidates, `seed-${seed}`).map(
      (q) => q.questionId,
    );
    assert.deepEqual([...new Set(ids)].sort(), [...bank.questionIds].sort(), `seed ${seed}`);
  }
  const started = expectOk(
    await h.call(course.students[0]!, 'POST', `/quizzes/${quiz.id}/attempts`, {}),
    201,
  );
  assert.equal(started.questions.length, 5);
});
