import { type Tx, withTenant } from '@eduspry/common';
import {
  attemptQuestions,
  findAttempt,
  refreshQuizGrades,
  storeGrades,
  totalAttempts,
} from '../db/attempts.ts';
import { findRubric } from '../db/banks.ts';
import {
  type AuditEntry,
  auditFor,
  gradingQueue,
  insertAudit,
  insertRegrade,
  lastAttemptOfPage,
  quizAttempts,
  regradeHistory,
  regradePage,
  setOverride,
  storeManualGrade,
} from '../db/grading.ts';
import { findQuestion, versionsByKey } from '../db/questions.ts';
import { findQuiz } from '../db/quizzes.ts';
import { problems } from '../problems.ts';
import { requireAccess } from './access.ts';
import { postGrades } from './attempts.ts';
import type { AssessmentContext, Caller } from './context.ts';
import { deliver, grade, gradingOf, reveal } from './questions/index.ts';
import { loadQuizForStaff } from './quizzes.ts';
import { round2 } from './rules.ts';

/** Essays and file responses waiting for a grader in a course (staff only). */
export async function manualQueue(
  ctx: AssessmentContext,
  caller: Caller,
  courseId: string,
  quizId: string | undefined,
  limit: number,
) {
  await requireAccess(ctx, caller, 'course.teach', { courseId });
  return withTenant(ctx.sql, caller.claims, async (tx) => {
    const rows = await gradingQueue(tx, courseId, quizId ?? null, limit);
    const rubrics = new Map<string, unknown>();
    for (const id of new Set(rows.flatMap((r) => (r.rubricId ? [r.rubricId] : []))))
      rubrics.set(id, await findRubric(tx, id));
    return rows.map((r) => ({ ...r, rubric: r.rubricId ? (rubrics.get(r.rubricId) ?? null) : null }));
  });
}

/** One attempt in full for its course's staff: key, answers, scores, draws resolved. */
export async function staffAttempt(ctx: AssessmentContext, caller: Caller, attemptId: string) {
  const attempt = await withTenant(ctx.sql, caller.claims, (tx) => findAttempt(tx, attemptId));
  if (!attempt) throw problems.create('attempt-not-found');
  await requireAccess(ctx, caller, 'course.teach', { courseId: attempt.courseId });
  const questions = await withTenant(ctx.sql, caller.claims, (tx) => attemptQuestions(tx, attemptId));
  return {
    ...attempt,
    questions: questions.map((q) => ({
      position: q.position,
      questionId: q.questionId,
      version: q.version,
      type: q.type,
      points: q.points,
      spec: q.spec,
      payload: deliver(q.spec, q.drawn),
      correct: reveal(q.spec, q.drawn),
      answer: q.answer ?? null,
      score: q.score,
      needsManual: q.needsManual,
      rubricLevels: q.rubricLevels,
      feedback: q.feedback,
      gradedBy: q.gradedBy,
    })),
  };
}

export async function listQuizAttempts(ctx: AssessmentContext, caller: Caller, quizId: string) {
  await loadQuizForStaff(ctx, caller, quizId);
  return withTenant(ctx.sql, caller.claims, (tx) => quizAttempts(tx, quizId));
}

/**
 * A grader scores one manually graded question: by rubric (criterion → level; the levels'
 * points scaled to the question's points) or by points, with feedback. Audited; the attempt's
 * total and the quiz grade follow, and grade_posted goes out once nothing waits any more.
 */
export async function gradeManually(
  ctx: AssessmentContext,
  caller: Caller,
  attemptId: string,
  position: number,
  input: {
    rubric?: Record<string, string> | undefined;
    score?: number | undefined;
    feedback?: string | undefined;
  },
) {
  const attempt = await withTenant(ctx.sql, caller.claims, (tx) => findAttempt(tx, attemptId));
  if (!attempt) throw problems.create('attempt-not-found');
  await requireAccess(ctx, caller, 'course.teach', { courseId: attempt.courseId });
  if (attempt.status !== 'submitted') throw problems.create('conflict', 'Only submitted attempts are graded');
  await withTenant(ctx.sql, caller.claims, async (tx) => {
    const question = (await attemptQuestions(tx, attemptId)).find((q) => q.position === position);
    if (!question) throw problems.create('question-position-not-found');
    if (gradingOf(question.spec) !== 'manual') throw problems.create('not-manually-graded');
    let score: number;
    let levels: Record<string, string> | null = null;
    if (input.rubric) {
      if (!question.rubricId) throw problems.create('rubric-not-found', 'This question has no rubric');
      const rubric = await findRubric(tx, question.rubricId);
      if (!rubric) throw problems.create('rubric-not-found');
      let earned = 0;
      let max = 0;
      for (const criterion of rubric.criteria) {
        max += Math.max(0, ...criterion.levels.map((l) => l.points));
        const levelId = Object.hasOwn(input.rubric, criterion.id) ? input.rubric[criterion.id] : undefined;
        if (levelId === undefined)
          throw problems.create('rubric-level-invalid', `No level chosen for criterion ${criterion.id}`);
        const level = criterion.levels.find((l) => l.id === levelId);
        if (!level)
          throw problems.create('rubric-level-invalid', `Criterion ${criterion.id} has no level ${levelId}`);
        earned += level.points;
      }
      const unknown = Object.keys(input.rubric).filter((id) => !rubric.criteria.some((c) => c.id === id));
      if (unknown.length)
        throw problems.create('rubric-level-invalid', `Unknown criteria: ${unknown.join(', ')}`);
      score = max > 0 ? round2((question.points * earned) / max) : 0;
      levels = input.rubric;
    } else if (input.score !== undefined) {
      score = round2(input.score);
    } else throw problems.create('bad-request', 'Give a rubric assessment or a score');
    if (score < 0 || score > question.points)
      throw problems.create('score-out-of-range', `The question is worth ${question.points} points`);
    await storeManualGrade(tx, {
      attemptId,
      position,
      fraction: question.points > 0 ? score / question.points : 0,
      score,
      rubricLevels: levels,
      feedback: input.feedback ?? null,
      gradedBy: caller.claims.sub,
    });
    await insertAudit(tx, [
      {
        tenantId: attempt.tenantId,
        quizId: attempt.quizId,
        userId: attempt.userId,
        attemptId,
        position,
        action: 'manual_grade',
        oldScore: question.score,
        newScore: score,
        reason: null,
        actor: caller.claims.sub,
      },
    ]);
    await totalAttempts(tx, [attemptId]);
    const changed = await refreshQuizGrades(tx, attempt.quizId, attempt.userId);
    await postGrades(ctx, tx, attempt.tenantId, changed, 'manual', caller.claims.sub);
  });
  return staffAttempt(ctx, caller, attemptId);
}

/** Sets (or with null clears) a student's quiz grade by hand; the reason is required and audited. */
export async function overrideGrade(
  ctx: AssessmentContext,
  caller: Caller,
  quizId: string,
  userId: string,
  input: { score: number | null; reason: string },
) {
  const quiz = await loadQuizForStaff(ctx, caller, quizId);
  if (input.score !== null && (input.score < 0 || input.score > quiz.pointsPossible * 2))
    throw problems.create('score-out-of-range', `The quiz is worth ${quiz.pointsPossible} points`);
  return withTenant(ctx.sql, caller.claims, async (tx) => {
    const { oldOverride } = await setOverride(tx, {
      tenantId: quiz.tenantId,
      quizId,
      courseId: quiz.courseId,
      userId,
      pointsPossible: quiz.pointsPossible,
      score: input.score,
      reason: input.reason,
    });
    await insertAudit(tx, [
      {
        tenantId: quiz.tenantId,
        quizId,
        userId,
        attemptId: null,
        position: null,
        action: 'override',
        oldScore: oldOverride,
        newScore: input.score,
        reason: input.reason,
        actor: caller.claims.sub,
      },
    ]);
    const [grade] = await tx<{ score: number | null; pointsPossible: number }[]>`
      select coalesce(override_score, score)::float8 as score, points_possible::float8 as "pointsPossible"
      from assessment.quiz_grades where quiz_id = ${quizId} and user_id = ${userId}`;
    await postGrades(
      ctx,
      tx,
      quiz.tenantId,
      [
        {
          quizId,
          courseId: quiz.courseId,
          userId,
          score: grade?.score ?? null,
          pointsPossible: grade?.pointsPossible ?? quiz.pointsPossible,
          submittedAt: null,
          pendingManual: false,
          overrideScore: input.score,
          overrideReason: input.reason,
          attemptId: null,
        },
      ],
      'override',
      caller.claims.sub,
    );
    return {
      quizId,
      userId,
      overrideScore: input.score,
      reason: input.reason,
      audit: await auditFor(tx, quizId, userId),
    };
  });
}

export async function gradeAudit(ctx: AssessmentContext, caller: Caller, quizId: string, userId: string) {
  await loadQuizForStaff(ctx, caller, quizId);
  return withTenant(ctx.sql, caller.claims, (tx) => auditFor(tx, quizId, userId));
}

const PAGE = 1000;

/**
 * Regrades a quiz's submitted attempts after a key change: each attempt question moves to the
 * question's current version (or `toVersion` for one question) and is graded again with the
 * attempt's own draw and answer. Manual grades stand. A page of attempts per transaction; the
 * history, audit of changed attempt scores, quiz grades and grade_posted follow.
 */
export async function regradeQuiz(
  ctx: AssessmentContext,
  caller: Caller,
  quizId: string,
  input: { questionId?: string | undefined; toVersion?: number | undefined },
) {
  const quiz = await loadQuizForStaff(ctx, caller, quizId);
  if (input.toVersion !== undefined && !input.questionId)
    throw problems.create('bad-request', 'toVersion needs questionId');
  if (input.questionId) {
    const question = await withTenant(ctx.sql, caller.claims, (tx) => findQuestion(tx, input.questionId!));
    if (!question) throw problems.create('question-not-found');
    if (input.toVersion !== undefined && input.toVersion > question.currentVersion)
      throw problems.create('version-not-found');
  }
  let after: string | null = null;
  let attempts = 0;
  let changedScores = 0;
  const moved = new Map<string, { from: Set<number>; to: number }>();
  const started = performance.now();
  for (;;) {
    const page: { done: boolean } = await withTenant(ctx.sql, caller.claims, async (tx) => {
      const last = await lastAttemptOfPage(tx, quizId, after, PAGE);
      if (!last) return { done: true };
      const rows = await regradePage(
        tx,
        quizId,
        input.questionId ?? null,
        input.toVersion ?? null,
        after,
        PAGE,
      );
      after = last;
      const specs = await versionsByKey(tx, [
        ...new Map(
          rows.map((r) => [
            `${r.questionId}:${r.toVersion}`,
            { questionId: r.questionId, version: r.toVersion },
          ]),
        ).values(),
      ]);
      const graded = rows.map((r) => {
        const target = specs.get(`${r.questionId}:${r.toVersion}`);
        if (!target) throw problems.create('version-not-found');
        if (r.version !== r.toVersion) {
          const entry = moved.get(r.questionId) ?? { from: new Set<number>(), to: r.toVersion };
          entry.from.add(r.version);
          moved.set(r.questionId, entry);
        }
        if (r.gradedBy || gradingOf(target.spec) !== 'auto')
          return {
            attemptId: r.attemptId,
            position: r.position,
            version: r.toVersion,
            fraction: r.fraction,
            score: r.score,
            needsManual: gradingOf(target.spec) === 'manual' && !r.gradedBy && r.answer !== null,
          };
        const fraction = grade(target.spec, r.drawn, r.answer ?? undefined).fraction;
        return {
          attemptId: r.attemptId,
          position: r.position,
          version: r.toVersion,
          fraction,
          score: fraction === null ? null : round2(fraction * r.points),
          needsManual: false,
        };
      });
      await storeGrades(tx, graded);
      const ids = [...new Set(rows.map((r) => r.attemptId))];
      const totals = ids.length ? await totalAttempts(tx, ids) : [];
      const audit: AuditEntry[] = totals
        .filter((t) => t.oldScore !== t.score)
        .map((t) => ({
          tenantId: quiz.tenantId,
          quizId,
          userId: t.userId,
          attemptId: t.id,
          position: null,
          action: 'regrade',
          oldScore: t.oldScore,
          newScore: t.score,
          reason: input.questionId ? `regrade of question ${input.questionId}` : 'regrade of the quiz',
          actor: caller.claims.sub,
        }));
      await insertAudit(tx, audit);
      changedScores += audit.length;
      attempts += ids.length;
      return { done: false };
    });
    if (page.done) break;
  }
  const gradesChanged = await withTenant(ctx.sql, caller.claims, async (tx: Tx) => {
    for (const [questionId, { from, to }] of moved)
      await insertRegrade(tx, {
        tenantId: quiz.tenantId,
        quizId,
        questionId,
        fromVersion: Math.min(...from),
        toVersion: to,
        attempts,
        by: caller.claims.sub,
      });
    const changed = await refreshQuizGrades(tx, quizId, null);
    await postGrades(ctx, tx, quiz.tenantId, changed, 'regrade', caller.claims.sub);
    return changed.length;
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    quizId,
    attemptsRegraded: attempts,
    attemptScoresChanged: changedScores,
    quizGradesChanged: gradesChanged,
    seconds: round2(seconds),
  };
}

export async function questionRegrades(ctx: AssessmentContext, caller: Caller, questionId: string) {
  const question = await withTenant(ctx.sql, caller.claims, (tx) => findQuestion(tx, questionId));
  if (!question) throw problems.create('question-not-found');
  if (question.bankCourseId)
    await requireAccess(ctx, caller, 'course.teach', { courseId: question.bankCourseId });
  else await requireAccess(ctx, caller, 'tenant.teach');
  return withTenant(ctx.sql, caller.claims, (tx) => regradeHistory(tx, questionId));
}

export { findQuiz };
