import { randomBytes } from 'node:crypto';
import { asPlatform, HttpProblem, type Tx, withTenant } from '@eduspry/common';
import {
  type AttemptMeta,
  type AttemptQuestionRow,
  type AttemptRow,
  attemptMeta,
  attemptQuestions,
  findAttempt,
  type GradedRow,
  insertAttempt,
  markSubmitted,
  type NewAttemptQuestion,
  overdueAttempts,
  refreshQuizGrades,
  saveAnswer,
  storeGrades,
  totalAttempts,
  userAttempts,
} from '../db/attempts.ts';
import {
  type Candidate,
  candidatesFor,
  findAccommodation,
  findQuiz,
  listSections,
  type QuizRow,
} from '../db/quizzes.ts';
import { problems } from '../problems.ts';
import { requireAccess } from './access.ts';
import type { AssessmentContext, Caller } from './context.ts';
import type { AttemptProgress } from './live.ts';
import { rngFor, shuffled } from './questions/common.ts';
import { answerProblems, deliver, drawFor, grade, gradingOf, reveal } from './questions/index.ts';
import { studentQuiz } from './quizzes.ts';
import {
  answersReleased,
  attemptDeadline,
  effectiveTiming,
  pastGrace,
  round2,
  startRefusal,
} from './rules.ts';

/** Picks an attempt's questions from the quiz's sections, seeded by the attempt. */
export function materialise(
  quiz: Pick<QuizRow, 'shuffleQuestions'>,
  sections: Awaited<ReturnType<typeof listSections>>,
  candidates: Candidate[],
  seed: string,
): NewAttemptQuestion[] {
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const picked: { candidate: Candidate; points: number }[] = [];
  // A fixed question is in every attempt, wherever its section is: never drawn in its place.
  const used = new Set<string>(sections.flatMap((s) => (s.kind === 'fixed' ? s.questionIds : [])));
  const placed = new Set<string>();
  for (const section of sections) {
    if (section.kind === 'fixed') {
      for (const id of section.questionIds) {
        const candidate = byId.get(id);
        if (!candidate || placed.has(id)) continue;
        placed.add(id);
        picked.push({
          candidate,
          points: candidate.type === 'text_only' ? 0 : (section.pointsEach ?? candidate.points),
        });
      }
    } else {
      const pool = candidates.filter(
        (c) =>
          c.bankId === section.bankId &&
          (!section.tag || c.tags.includes(section.tag)) &&
          c.type !== 'text_only' &&
          !used.has(c.id),
      );
      const drawn = shuffled(pool, rngFor(seed, 'section', String(section.position))).slice(
        0,
        section.drawCount ?? 0,
      );
      if (drawn.length < (section.drawCount ?? 0)) throw problems.create('not-enough-questions');
      for (const candidate of drawn) {
        used.add(candidate.id);
        picked.push({ candidate, points: section.pointsEach ?? 1 });
      }
    }
  }
  const ordered = quiz.shuffleQuestions ? shuffled(picked, rngFor(seed, 'questions')) : picked;
  return ordered.map(({ candidate, points }, position) => ({
    position,
    questionId: candidate.id,
    version: candidate.version,
    points,
    drawn: drawFor(candidate.spec, seed, candidate.id),
  }));
}

/**
 * An attempt as its student sees it: each question's delivery payload and their saved answer;
 * once submitted the total; only once the release policy allows, per-question scores,
 * feedback and the correct answers.
 */
export function studentView(
  attempt: AttemptRow,
  quiz: QuizRow,
  questions: AttemptQuestionRow[],
  now: Date,
  dueAt: Date | null,
) {
  const submitted = attempt.status === 'submitted';
  const released = answersReleased(quiz.releasePolicy, submitted, dueAt, now);
  return {
    id: attempt.id,
    quizId: attempt.quizId,
    number: attempt.number,
    status: attempt.status,
    startedAt: attempt.startedAt.toISOString(),
    deadlineAt: attempt.deadlineAt?.toISOString() ?? null,
    timeRemainingSeconds:
      attempt.deadlineAt && !submitted
        ? Math.max(0, Math.floor((attempt.deadlineAt.getTime() - now.getTime()) / 1000))
        : null,
    submittedAt: attempt.submittedAt?.toISOString() ?? null,
    autoSubmitted: attempt.autoSubmitted,
    oneQuestionAtATime: quiz.oneQuestionAtATime,
    pointsPossible: attempt.pointsPossible,
    score: submitted ? attempt.score : null,
    gradingState: submitted ? attempt.gradingState : null,
    released,
    questions: questions.map((q) => ({
      position: q.position,
      type: q.type,
      points: q.points,
      payload: deliver(q.spec, q.drawn),
      answer: q.answer ?? null,
      ...(released
        ? {
            score: q.score,
            needsManual: q.needsManual,
            feedback: q.feedback,
            correct: reveal(q.spec, q.drawn),
          }
        : {}),
    })),
  };
}

async function loadQuiz(tx: Tx, quizId: string): Promise<QuizRow> {
  const quiz = await findQuiz(tx, quizId);
  if (!quiz) throw problems.create('quiz-not-found');
  return quiz;
}

/**
 * Starts (or resumes) the caller's attempt: an attempt still in progress is returned as it is,
 * on any device; otherwise window, attempts left and access code are checked and the
 * attempt's questions are drawn and stored in one transaction.
 */
export async function startAttempt(
  ctx: AssessmentContext,
  caller: Caller,
  quizId: string,
  input: { accessCode?: string | undefined },
) {
  const userId = caller.claims.sub;
  const quiz = await withTenant(ctx.sql, caller.claims, (tx) => loadQuiz(tx, quizId));
  if (!quiz.published) throw problems.create('quiz-not-found');
  await requireAccess(ctx, caller, 'course.take', { courseId: quiz.courseId, itemId: quiz.courseItemId });
  const now = ctx.now();
  const outcome = await withTenant(ctx.sql, caller.claims, async (tx) => {
    const [attempts, accommodation, sections] = await Promise.all([
      userAttempts(tx, quizId, userId),
      findAccommodation(tx, quizId, userId),
      listSections(tx, quizId),
    ]);
    const timing = effectiveTiming(quiz, accommodation ?? null);
    const open = attempts.find((a) => a.status === 'in_progress');
    if (open) return { attemptId: open.id, timing, resumed: true };
    const refusal = startRefusal(timing, attempts.length, now);
    if (refusal)
      throw problems.create(
        refusal,
        refusal === 'no-attempts-left'
          ? `All ${timing.attemptsAllowed} attempts are used`
          : 'The quiz is not open now',
      );
    if (quiz.accessCode !== null && input.accessCode !== quiz.accessCode)
      throw problems.create('access-code-required');
    const candidates = await candidatesFor(
      tx,
      sections.flatMap((s) => s.questionIds),
      sections.flatMap((s) => (s.bankId ? [s.bankId] : [])),
    );
    const seed = randomBytes(16).toString('base64url');
    const questions = materialise(quiz, sections, candidates, seed);
    const id = await insertAttempt(
      tx,
      {
        tenantId: quiz.tenantId,
        quizId,
        courseId: quiz.courseId,
        userId,
        number: attempts.length + 1,
        seed,
        startedAt: now,
        deadlineAt: attemptDeadline(timing, now),
        pointsPossible: round2(questions.reduce((sum, q) => sum + q.points, 0)),
      },
      questions,
    );
    if (id) {
      const specs = new Map(candidates.map((c) => [c.id, c]));
      const attempt: AttemptRow = {
        id,
        tenantId: quiz.tenantId,
        quizId,
        courseId: quiz.courseId,
        userId,
        number: attempts.length + 1,
        seed,
        status: 'in_progress',
        startedAt: now,
        deadlineAt: attemptDeadline(timing, now),
        submittedAt: null,
        autoSubmitted: false,
        gradingState: null,
        score: null,
        pointsPossible: round2(questions.reduce((sum, q) => sum + q.points, 0)),
      };
      const rows = questions.map((q) => {
        const c = specs.get(q.questionId)!;
        return {
          ...q,
          answer: null,
          answeredAt: null,
          fraction: null,
          score: null,
          needsManual: false,
          rubricLevels: null,
          feedback: null,
          gradedBy: null,
          type: c.type,
          spec: c.spec,
          rubricId: null,
        };
      });
      remember(id, {
        userId,
        quizId,
        courseId: quiz.courseId,
        number: attempt.number,
        startedAt: now,
        deadlineAt: attempt.deadlineAt,
        specs: new Map(rows.map((r) => [r.position, r.spec])),
      });
      return {
        attemptId: id,
        timing,
        resumed: false,
        view: studentView(attempt, quiz, rows, now, timing.dueAt),
        progress: progressOf(attempt, rows),
      };
    }
    return { attemptId: id, timing, resumed: false };
  });
  if ('view' in outcome && outcome.view) {
    ctx.live.progress(outcome.progress);
    return { ...outcome.view, resumed: false };
  }
  // A second Start racing the first: both end up on the attempt the first one created.
  const attemptId =
    outcome.attemptId ??
    (await withTenant(ctx.sql, caller.claims, (tx) => userAttempts(tx, quizId, userId))).find(
      (a) => a.status === 'in_progress',
    )?.id;
  if (!attemptId) throw problems.create('conflict', 'The attempt could not be started; try again');
  return { ...(await viewAttempt(ctx, caller, attemptId)), resumed: outcome.resumed };
}

/** The caller's own attempt (404 for anyone else's); an overdue open attempt is submitted first. */
export async function viewAttempt(ctx: AssessmentContext, caller: Caller, attemptId: string) {
  let view = await withTenant(ctx.sql, caller.claims, async (tx) => {
    const attempt = await findAttempt(tx, attemptId);
    if (!attempt || attempt.userId !== caller.claims.sub) throw problems.create('attempt-not-found');
    const [quiz, questions, accommodation] = await Promise.all([
      loadQuiz(tx, attempt.quizId),
      attemptQuestions(tx, attemptId),
      findAccommodation(tx, attempt.quizId, attempt.userId),
    ]);
    return { attempt, quiz, questions, dueAt: effectiveTiming(quiz, accommodation ?? null).dueAt };
  });
  if (
    view.attempt.status === 'in_progress' &&
    pastGrace(view.attempt.deadlineAt, ctx.now(), ctx.graceSeconds)
  ) {
    ctx.live.progress(
      await withTenant(ctx.sql, caller.claims, (tx) => finaliseAttempt(ctx, tx, attemptId, { auto: true })),
    );
    view = await withTenant(ctx.sql, caller.claims, async (tx) => ({
      ...view,
      attempt: (await findAttempt(tx, attemptId))!,
      questions: await attemptQuestions(tx, attemptId),
    }));
  }
  return studentView(view.attempt, view.quiz, view.questions, ctx.now(), view.dueAt);
}

/**
 * What saves need about an attempt (owner, deadline, questions) never changes once it started,
 * so it is kept in memory; whether the attempt is still open is decided by the save statement.
 */
const metaCache = new Map<string, AttemptMeta>();
function remember(attemptId: string, meta: AttemptMeta) {
  if (metaCache.size >= 20_000) metaCache.delete(metaCache.keys().next().value!);
  metaCache.set(attemptId, meta);
}

/** Autosave of one answer; refused once submitted or past deadline + grace (then it is submitted). */
export async function saveAttemptAnswer(
  ctx: AssessmentContext,
  caller: Caller,
  attemptId: string,
  position: number,
  answer: unknown,
) {
  const now = ctx.now();
  let meta = metaCache.get(attemptId);
  if (!meta) {
    meta = await withTenant(ctx.sql, caller.claims, (tx) => attemptMeta(tx, attemptId));
    if (meta) remember(attemptId, meta);
  }
  if (!meta || meta.userId !== caller.claims.sub) throw problems.create('attempt-not-found');
  const spec = meta.specs.get(position);
  if (!spec) throw problems.create('question-position-not-found');
  if (pastGrace(meta.deadlineAt, now, ctx.graceSeconds)) {
    ctx.live.progress(
      await withTenant(ctx.sql, caller.claims, (tx) => finaliseAttempt(ctx, tx, attemptId, { auto: true })),
    );
    throw problems.create(
      'attempt-deadline-passed',
      'The time is up: the attempt was submitted with the answers saved before the deadline',
      {
        deadlineAt: meta.deadlineAt?.toISOString(),
      },
    );
  }
  if (gradingOf(spec) === 'none') throw problems.create('answer-invalid', 'This item takes no answer');
  if (answer !== null) {
    const found = answerProblems(spec, answer);
    if (found.length) throw problems.create('answer-invalid', found.join('; '), { problems: found });
  }
  const result = await withTenant(ctx.sql, caller.claims, (tx) =>
    saveAnswer(tx, attemptId, caller.claims.sub, position, answer, now),
  );
  if (result.count !== 1) throw problems.create('attempt-submitted', 'A submitted attempt cannot change');
  ctx.live.progress({
    attemptId,
    quizId: meta.quizId,
    courseId: meta.courseId,
    userId: meta.userId,
    number: meta.number,
    status: 'in_progress',
    startedAt: meta.startedAt,
    deadlineAt: meta.deadlineAt,
    questionCount: meta.specs.size,
    position,
    answered: answer !== null,
    savedAt: now,
    submittedAt: null,
    autoSubmitted: false,
  });
  return { position, savedAt: now.toISOString() };
}

/**
 * Submits the caller's attempt and grades it. Idempotent: a submitted attempt is returned
 * unchanged. Past deadline + grace the attempt is submitted as it was saved, and the caller is
 * told so with a problem.
 */
export async function submitAttempt(ctx: AssessmentContext, caller: Caller, attemptId: string) {
  const done = await withTenant(ctx.sql, caller.claims, async (tx) => {
    const attempt = await findAttempt(tx, attemptId, { lock: true });
    if (!attempt || attempt.userId !== caller.claims.sub) throw problems.create('attempt-not-found');
    if (attempt.status === 'submitted') return { overdue: false, progress: undefined };
    const overdue = pastGrace(attempt.deadlineAt, ctx.now(), ctx.graceSeconds);
    return {
      overdue,
      progress: await finaliseAttempt(ctx, tx, attemptId, { auto: overdue, locked: attempt }),
    };
  });
  ctx.live.progress(done.progress);
  if (done.overdue)
    throw problems.create(
      'attempt-deadline-passed',
      'The time was up: the attempt was submitted with the answers saved before the deadline',
    );
  return viewAttempt(ctx, caller, attemptId);
}

/**
 * Grades and closes an attempt inside `tx` (student's or the platform's): every question graded,
 * totals, the quiz grade refreshed, events written to the outbox. Nothing happens if it is
 * already submitted. Auto-submission dates the attempt at its deadline. Resolves to the
 * attempt's progress for the live view, which the caller sends once `tx` has committed.
 */
export async function finaliseAttempt(
  ctx: AssessmentContext,
  tx: Tx,
  attemptId: string,
  options: { auto: boolean; locked?: AttemptRow },
): Promise<AttemptProgress | undefined> {
  const attempt = options.locked ?? (await findAttempt(tx, attemptId, { lock: true }));
  if (!attempt || attempt.status === 'submitted') return undefined;
  const submittedAt = options.auto && attempt.deadlineAt ? attempt.deadlineAt : ctx.now();
  const questions = await attemptQuestions(tx, attemptId);
  await storeGrades(tx, gradeRows(attemptId, questions));
  await markSubmitted(tx, attemptId, { submittedAt, autoSubmitted: options.auto });
  const [total] = await totalAttempts(tx, [attemptId]);
  const changed = await refreshQuizGrades(tx, attempt.quizId, attempt.userId);
  await ctx.events.attemptSubmitted(tx, attempt.tenantId, {
    attemptId,
    quizId: attempt.quizId,
    courseId: attempt.courseId,
    userId: attempt.userId,
    attemptNumber: attempt.number,
    submittedAt: submittedAt.toISOString(),
    autoSubmitted: options.auto,
    score: total?.score ?? 0,
    pointsPossible: attempt.pointsPossible,
    gradingState: total?.gradingState ?? 'complete',
  });
  await postGrades(ctx, tx, attempt.tenantId, changed, 'auto', null);
  return progressOf({ ...attempt, status: 'submitted', submittedAt, autoSubmitted: options.auto }, questions);
}

/** An attempt's progress for the live view: where the student saved last, never what. */
function progressOf(
  attempt: AttemptRow,
  questions: Pick<AttemptQuestionRow, 'position' | 'answer' | 'answeredAt'>[],
): AttemptProgress {
  let last: (typeof questions)[number] | undefined;
  for (const q of questions)
    if (q.answeredAt && (!last?.answeredAt || q.answeredAt > last.answeredAt)) last = q;
  return {
    attemptId: attempt.id,
    quizId: attempt.quizId,
    courseId: attempt.courseId,
    userId: attempt.userId,
    number: attempt.number,
    status: attempt.status,
    startedAt: attempt.startedAt,
    deadlineAt: attempt.deadlineAt,
    questionCount: questions.length,
    position: last?.position ?? null,
    answered: last ? last.answer !== null && last.answer !== undefined : false,
    savedAt: last?.answeredAt ?? null,
    submittedAt: attempt.submittedAt,
    autoSubmitted: attempt.autoSubmitted,
  };
}

export function gradeRows(attemptId: string, questions: AttemptQuestionRow[]): GradedRow[] {
  return questions.map((q) => {
    // A person's grade stands until a person changes it.
    if (q.gradedBy)
      return { attemptId, position: q.position, fraction: q.fraction, score: q.score, needsManual: false };
    const outcome = grade(q.spec, q.drawn, q.answer ?? undefined);
    const manual = gradingOf(q.spec) === 'manual' && outcome.fraction === null;
    const fraction = outcome.fraction;
    return {
      attemptId,
      position: q.position,
      fraction,
      score: fraction === null ? null : round2(fraction * q.points),
      needsManual: manual,
    };
  });
}

/** grade_posted for each changed quiz grade that is complete (nothing waits for a grader). */
export async function postGrades(
  ctx: AssessmentContext,
  tx: Tx,
  tenantId: string,
  grades: Awaited<ReturnType<typeof refreshQuizGrades>>,
  source: 'auto' | 'manual' | 'override' | 'regrade',
  postedBy: string | null,
): Promise<void> {
  const postedAt = ctx.now().toISOString();
  const complete = grades.filter((g) => !g.pendingManual && (g.score !== null || g.overrideScore !== null));
  if (!complete.length) return;
  await ctx.events.gradesPosted(
    tx,
    tenantId,
    complete.map((g) => ({
      quizId: g.quizId,
      courseId: g.courseId,
      userId: g.userId,
      attemptId: g.attemptId,
      score: g.overrideScore ?? g.score ?? 0,
      pointsPossible: g.pointsPossible,
      source,
      postedBy,
      postedAt,
    })),
  );
}

/** Submits every attempt past deadline + grace with what was saved (run on a timer by main.ts). */
export async function autoSubmitOverdue(ctx: AssessmentContext, limit = 200): Promise<number> {
  const ids = await asPlatform(ctx.sql, 'auto-submit attempts past their deadline', ctx.log, (tx) =>
    overdueAttempts(tx, ctx.graceSeconds, ctx.now(), limit),
  );
  for (const id of ids)
    ctx.live.progress(
      await asPlatform(ctx.sql, 'auto-submit one attempt', { info: () => {} }, (tx) =>
        finaliseAttempt(ctx, tx, id, { auto: true }),
      ),
    );
  return ids.length;
}

/** One of the caller's attempts as a quiz's summary lists it (no questions, no answers). */
function attemptSummary(attempt: AttemptRow, quiz: QuizRow, now: Date, dueAt: Date | null) {
  const submitted = attempt.status === 'submitted';
  return {
    id: attempt.id,
    number: attempt.number,
    status: attempt.status,
    startedAt: attempt.startedAt.toISOString(),
    deadlineAt: attempt.deadlineAt?.toISOString() ?? null,
    submittedAt: attempt.submittedAt?.toISOString() ?? null,
    autoSubmitted: attempt.autoSubmitted,
    pointsPossible: attempt.pointsPossible,
    // The same rule as the attempt itself (studentView): the total once submitted.
    score: submitted ? attempt.score : null,
    gradingState: submitted ? attempt.gradingState : null,
    released: answersReleased(quiz.releasePolicy, submitted, dueAt, now),
  };
}

/**
 * What the caller needs about each quiz before starting it, for many quizzes at once (every
 * quiz item of a page): the student summary with the caller's own dates, time limit and
 * attempts allowed (accommodations applied), the attempts used and the caller's attempts.
 * Quizzes that do not exist, are not published (for students) or are in a course the caller is
 * not a member of are left out, so one of them never fails the others.
 */
export async function myQuizzes(ctx: AssessmentContext, caller: Caller, quizIds: string[]) {
  const userId = caller.claims.sub;
  const quizzes = await withTenant(ctx.sql, caller.claims, async (tx) =>
    (await Promise.all([...new Set(quizIds)].map((id) => findQuiz(tx, id)))).filter(
      (quiz): quiz is QuizRow => quiz !== undefined,
    ),
  );
  const staffOf = new Map<string, boolean>();
  for (const courseId of new Set(quizzes.map((q) => q.courseId))) {
    try {
      staffOf.set(courseId, (await requireAccess(ctx, caller, 'course.member', { courseId })).staff);
    } catch (error) {
      // Not a member (or no such course for the caller): its quizzes are not the caller's to see.
      if (error instanceof HttpProblem && (error.status === 403 || error.status === 404)) continue;
      throw error;
    }
  }
  const visible = quizzes.filter(
    (quiz) => staffOf.has(quiz.courseId) && (quiz.published || staffOf.get(quiz.courseId)),
  );
  const now = ctx.now();
  return withTenant(ctx.sql, caller.claims, async (tx) => ({
    items: await Promise.all(
      visible.map(async (quiz) => {
        const [attempts, accommodation] = await Promise.all([
          userAttempts(tx, quiz.id, userId),
          findAccommodation(tx, quiz.id, userId),
        ]);
        const timing = effectiveTiming(quiz, accommodation ?? null);
        const summary = studentQuiz(quiz);
        return {
          id: summary.id,
          courseId: summary.courseId,
          courseItemId: summary.courseItemId,
          title: summary.title,
          description: summary.description,
          published: summary.published,
          opensAt: timing.opensAt?.toISOString() ?? null,
          dueAt: timing.dueAt?.toISOString() ?? null,
          closesAt: timing.closesAt?.toISOString() ?? null,
          timeLimitSeconds: timing.timeLimitSeconds,
          attemptsAllowed: timing.attemptsAllowed,
          attemptsUsed: attempts.length,
          scoringPolicy: summary.scoringPolicy,
          oneQuestionAtATime: summary.oneQuestionAtATime,
          releasePolicy: summary.releasePolicy,
          pointsPossible: summary.pointsPossible,
          accessCodeRequired: summary.accessCodeRequired,
          attempts: attempts.map((a) => attemptSummary(a, quiz, now, timing.dueAt)),
        };
      }),
    ),
  }));
}
