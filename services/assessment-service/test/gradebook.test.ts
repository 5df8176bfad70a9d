import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bankWith, QUESTIONS } from './fixtures.ts';
import { courseWith, expectOk, type Harness, harness, type Json, placeQuiz } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

test('the gradebook: categories and weights for staff, CSV export, and each student sees only their own grades', async () => {
  const course = await courseWith(h, 2);
  const [ana, ben] = course.students;
  const homework = expectOk(
    await h.call(course.teacher, 'POST', `/courses/${course.courseId}/grade-categories`, {
      name: 'Homework',
      weight: 40,
    }),
    201,
  );
  const exams = expectOk(
    await h.call(course.teacher, 'POST', `/courses/${course.courseId}/grade-categories`, {
      name: 'Exams',
      weight: 60,
    }),
    201,
  );
  expectOk(
    await h.call(course.teacher, 'PUT', `/courses/${course.courseId}/gradebook/settings`, {
      weighted: true,
      latePolicy: null,
      letterScheme: [
        { letter: 'P', minPercent: 50 },
        { letter: 'F', minPercent: 0 },
      ],
    }),
  );
  const bank = await bankWith(h, course.teacher, course.courseId, [QUESTIONS[2]!, QUESTIONS[4]!]);
  const quizzes: Json[] = [];
  for (const [title, category] of [
    ['=HW 1', homework.id],
    ['Exam', exams.id],
  ]) {
    const quiz = expectOk(
      await h.call(course.teacher, 'POST', `/courses/${course.courseId}/quizzes`, {
        title,
        categoryId: category,
        sections: [{ kind: 'fixed', questionIds: bank.questionIds }],
      }),
      201,
    );
    await placeQuiz(h, course, quiz.id);
    quizzes.push(quiz);
  }
  // Ana answers everything right, Ben only the true/false of the homework.
  for (const [student, right] of [
    [ana!, true],
    [ben!, false],
  ] as const) {
    for (const quiz of quizzes) {
      const attempt = expectOk(await h.call(student, 'POST', `/quizzes/${quiz.id}/attempts`, {}), 201);
      for (const q of attempt.questions) {
        const answer = q.type === 'true_false' ? { value: true } : { text: right ? '3.14' : '9' };
        if (right || (quiz === quizzes[0] && q.type === 'true_false'))
          expectOk(await h.call(student, 'PUT', `/attempts/${attempt.id}/answers/${q.position}`, { answer }));
      }
      expectOk(await h.call(student, 'POST', `/attempts/${attempt.id}/submit`));
    }
  }
  const book = expectOk(await h.call(course.teacher, 'GET', `/courses/${course.courseId}/gradebook`));
  const row = (id: string) => book.students.find((s: Json) => s.userId === id);
  assert.deepEqual([row(ana!.id).percent, row(ana!.id).letter], [100, 'P']);
  assert.deepEqual([row(ben!.id).percent, row(ben!.id).letter], [20, 'F'], '0.4 × 50% + 0.6 × 0%');
  const mine = expectOk(await h.call(ben!, 'GET', `/courses/${course.courseId}/gradebook/me`));
  assert.equal(mine.percent, row(ben!.id).percent, 'the same final grade wherever it is shown');
  assert.doesNotMatch(JSON.stringify(mine), new RegExp(ana!.id));
  const csv = await h.call(course.teacher, 'GET', `/courses/${course.courseId}/gradebook.csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers['content-type'] as string, /text\/csv/);
  const lines = csv.text.trim().split('\n');
  assert.equal(
    lines[0],
    "user_id,'=HW 1,Exam,percent,letter",
    'a title that looks like a formula is defused',
  );
  assert.equal(lines.length, 3);
  assert.ok(lines.some((l) => l.startsWith(`${ana!.id},2,2,100,P`)));
  const refused = await h.call(ana!, 'GET', `/courses/${course.courseId}/gradebook.csv`);
  assert.equal(refused.status, 403);
});

test("the OpenAPI document lists the routes, and a quiz cannot count in another course's category", async () => {
  const doc = await h.app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(doc.statusCode, 200);
  const paths = Object.keys(JSON.parse(doc.body).paths);
  for (const path of [
    '/quizzes/{quizId}/attempts',
    '/attempts/{attemptId}/submit',
    '/courses/{courseId}/gradebook',
  ])
    assert.ok(paths.includes(path), path);
  const a = await courseWith(h, 0);
  const b = await courseWith(h, 0);
  const category = expectOk(
    await h.call(a.teacher, 'POST', `/courses/${a.courseId}/grade-categories`, { name: 'A' }),
    201,
  );
  const foreign = await h.call(b.teacher, 'POST', `/courses/${b.courseId}/quizzes`, {
    title: 'Q',
    categoryId: category.id,
  });
  assert.equal(foreign.status, 404);
  assert.ok(foreign.body.type.endsWith('/category-not-found'));
});
