/**
 * Provider verification of assessment-service's events: every committed message pact naming it
 * (packages/contracts/pacts/) against the events its own code writes to its outbox. Each message is
 * made through the service's routes (a quiz placed in a course, an attempt started, answered and
 * submitted) and handed over as createEvent built it. A change to an event field a consumer reads
 * fails here with that consumer's name (PactBroken).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { verifyPacts } from '@eduspry/contracts/pact-testing';
import { bankWith, QUESTIONS, rightAnswer } from './fixtures.ts';
import { courseWith, expectOk, type Harness, harness, type Json, placeQuiz } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

/** A student's submitted attempt of an auto-graded quiz (no essay, so its grade posts at once). */
async function submittedAttempt(): Promise<{ attemptId: string; quizId: string; tenantId: string }> {
  const tenant = await h.newTenant();
  const course = await courseWith(h, 1, tenant);
  const autoGraded = QUESTIONS.filter(
    (q) => q.spec.type === 'multiple_choice' || q.spec.type === 'true_false',
  );
  const bank = await bankWith(h, course.teacher, course.courseId, autoGraded);
  const quiz = expectOk(
    await h.call(course.teacher, 'POST', `/courses/${course.courseId}/quizzes`, {
      title: 'Quiz',
      sections: [{ kind: 'fixed', questionIds: bank.questionIds }],
    }),
    201,
  );
  await placeQuiz(h, course, quiz.id);
  const student = course.students[0]!;
  const attempt = expectOk(await h.call(student, 'POST', `/quizzes/${quiz.id}/attempts`, {}), 201);
  const review = expectOk(await h.call(course.teacher, 'GET', `/attempts/${attempt.id}/review`));
  for (const question of review.questions as Json[])
    expectOk(
      await h.call(student, 'PUT', `/attempts/${attempt.id}/answers/${question.position}`, {
        answer: rightAnswer(question),
      }),
    );
  expectOk(await h.call(student, 'POST', `/attempts/${attempt.id}/submit`));
  return { attemptId: attempt.id, quizId: quiz.id, tenantId: tenant.id };
}

async function lastEvent(type: string, tenantId: string, match: (data: Json) => boolean) {
  const event = (await h.events(type, tenantId)).filter((e) => match(e.data)).at(-1);
  if (!event) throw new Error(`assessment-service wrote no ${type}`);
  return event;
}

test('assessment-service’s events carry what their consumers read', async () => {
  const verified = await verifyPacts('message', {
    provider: 'assessment-service',
    messageProviders: {
      'an attempt_submitted event for a student who submitted a quiz': async () => {
        const { attemptId, tenantId } = await submittedAttempt();
        return lastEvent('assessment.attempt.submitted', tenantId, (data) => data.attemptId === attemptId);
      },
      'a grade_posted event for an auto-graded quiz': async () => {
        const { quizId, tenantId } = await submittedAttempt();
        return lastEvent('assessment.grading.grade_posted', tenantId, (data) => data.quizId === quizId);
      },
    },
  });
  assert.ok(verified.includes('analytics-service'), `verified: ${verified.join(', ')}`);
});
