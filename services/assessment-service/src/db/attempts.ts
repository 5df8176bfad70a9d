import type { Tx } from '@eduspry/common';
import type { QuestionSpec } from '../domain/questions/index.ts';

export interface AttemptRow {
  id: string;
  tenantId: string;
  quizId: string;
  courseId: string;
  userId: string;
  number: number;
  seed: string;
  status: 'in_progress' | 'submitted';
  startedAt: Date;
  deadlineAt: Date | null;
  submittedAt: Date | null;
  autoSubmitted: boolean;
  gradingState: 'complete' | 'pending' | null;
  score: number | null;
  pointsPossible: number;
}

const attemptColumns = (tx: Tx) => tx`
  id, tenant_id as "tenantId", quiz_id as "quizId", course_id as "courseId", user_id as "userId", number, seed, status,
  started_at as "startedAt", deadline_at as "deadlineAt", submitted_at as "submittedAt",
  auto_submitted as "autoSubmitted", grading_state as "gradingState", score::float8 as score,
  points_possible::float8 as "pointsPossible"`;

export async function findAttempt(
  tx: Tx,
  id: string,
  { lock = false } = {},
): Promise<AttemptRow | undefined> {
  const [row] = lock
    ? await tx<
        AttemptRow[]
      >`select ${attemptColumns(tx)} from assessment.attempts where id = ${id} for update`
    : await tx<AttemptRow[]>`select ${attemptColumns(tx)} from assessment.attempts where id = ${id}`;
  return row;
}

export async function userAttempts(tx: Tx, quizId: string, userId: string): Promise<AttemptRow[]> {
  return tx<AttemptRow[]>`
    select ${attemptColumns(tx)} from assessment.attempts where quiz_id = ${quizId} and user_id = ${userId} order by number`;
}

export interface NewAttemptQuestion {
  position: number;
  questionId: string;
  version: number;
  points: number;
  drawn: unknown;
}

/** Inserts the attempt and its materialised questions; null if that attempt number exists (a racing start). */
export async function insertAttempt(
  tx: Tx,
  attempt: Omit<AttemptRow, 'id' | 'status' | 'submittedAt' | 'autoSubmitted' | 'gradingState' | 'score'>,
  questions: NewAttemptQuestion[],
): Promise<string | null> {
  const [row] = await tx<{ id: string }[]>`
    insert into assessment.attempts (tenant_id, quiz_id, course_id, user_id, number, seed, started_at, deadline_at, points_possible)
    values (${attempt.tenantId}, ${attempt.quizId}, ${attempt.courseId}, ${attempt.userId}, ${attempt.number}, ${attempt.seed},
            ${attempt.startedAt}, ${attempt.deadlineAt}, ${attempt.pointsPossible})
    on conflict (quiz_id, user_id, number) do nothing returning id`;
  if (!row) return null;
  await tx`
    insert into assessment.attempt_questions (tenant_id, attempt_id, position, question_id, version, points, drawn)
    select ${attempt.tenantId}, ${row.id}, q.position, q.question_id, q.version, q.points, q.drawn
    from jsonb_to_recordset(${tx.json(
      questions.map((q) => ({
        position: q.position,
        question_id: q.questionId,
        version: q.version,
        points: q.points,
        drawn: q.drawn,
      })) as never,
    )}) as q(position int, question_id uuid, version int, points numeric, drawn jsonb)`;
  return row.id;
}

export interface AttemptQuestionRow {
  position: number;
  questionId: string;
  version: number;
  points: number;
  drawn: unknown;
  answer: unknown;
  answeredAt: Date | null;
  fraction: number | null;
  score: number | null;
  needsManual: boolean;
  rubricLevels: Record<string, string> | null;
  feedback: string | null;
  gradedBy: string | null;
  type: string;
  spec: QuestionSpec;
  rubricId: string | null;
}

const questionSelect = (tx: Tx) => tx`
  select aq.position, aq.question_id as "questionId", aq.version, aq.points::float8 as points, aq.drawn, aq.answer,
         aq.answered_at as "answeredAt", aq.fraction::float8 as fraction, aq.score::float8 as score,
         aq.needs_manual as "needsManual", aq.rubric_levels as "rubricLevels", aq.feedback, aq.graded_by as "gradedBy",
         v.type, v.spec, q.rubric_id as "rubricId"
  from assessment.attempt_questions aq
  join assessment.question_versions v on v.question_id = aq.question_id and v.version = aq.version
  join assessment.questions q on q.id = aq.question_id`;

export async function attemptQuestions(tx: Tx, attemptId: string): Promise<AttemptQuestionRow[]> {
  return tx<
    AttemptQuestionRow[]
  >`${questionSelect(tx)} where aq.attempt_id = ${attemptId} order by aq.position`;
}

/** What saving answers needs to know about an attempt: owner, deadline, each position's question. */
export interface AttemptMeta {
  userId: string;
  quizId: string;
  courseId: string;
  number: number;
  startedAt: Date;
  deadlineAt: Date | null;
  specs: Map<number, QuestionSpec>;
}

export async function attemptMeta(tx: Tx, attemptId: string): Promise<AttemptMeta | undefined> {
  const rows = await tx<
    (Omit<AttemptMeta, 'specs'> & { position: number | null; spec: QuestionSpec | null })[]
  >`
    select a.user_id as "userId", a.quiz_id as "quizId", a.course_id as "courseId", a.number,
           a.started_at as "startedAt", a.deadline_at as "deadlineAt", aq.position, v.spec
    from assessment.attempts a
    left join assessment.attempt_questions aq on aq.attempt_id = a.id
    left join assessment.question_versions v on v.question_id = aq.question_id and v.version = aq.version
    where a.id = ${attemptId}`;
  if (!rows.length) return undefined;
  const specs = new Map<number, QuestionSpec>();
  for (const row of rows) if (row.position !== null && row.spec) specs.set(row.position, row.spec);
  const { userId, quizId, courseId, number, startedAt, deadlineAt } = rows[0]!;
  return { userId, quizId, courseId, number, startedAt, deadlineAt, specs };
}

/**
 * A quiz's attempts for its live view: every open one and those submitted since `since`, with
 * the last question saved and which questions hold an answer (positions, never the answers).
 */
export async function liveAttempts(tx: Tx, quizId: string, since: Date, limit: number) {
  return tx<
    {
      attemptId: string;
      userId: string;
      number: number;
      status: 'in_progress' | 'submitted';
      startedAt: Date;
      deadlineAt: Date | null;
      submittedAt: Date | null;
      autoSubmitted: boolean;
      questionCount: number;
      answeredPositions: number[];
      position: number | null;
      savedAt: Date | null;
    }[]
  >`
    select a.id as "attemptId", a.user_id as "userId", a.number, a.status, a.started_at as "startedAt",
           a.deadline_at as "deadlineAt", a.submitted_at as "submittedAt", a.auto_submitted as "autoSubmitted",
           count(aq.position)::int as "questionCount",
           coalesce(array_agg(aq.position order by aq.position) filter (where aq.answer is not null), '{}') as "answeredPositions",
           (array_agg(aq.position order by aq.answered_at desc) filter (where aq.answered_at is not null))[1] as position,
           max(aq.answered_at) as "savedAt"
    from assessment.attempts a
    left join assessment.attempt_questions aq on aq.attempt_id = a.id
    where a.quiz_id = ${quizId} and (a.status = 'in_progress' or a.submitted_at >= ${since})
    group by a.id
    order by a.started_at
    limit ${limit}`;
}

/**
 * Saves one answer in one statement, only into the caller's own attempt while it is in
 * progress: the statement's own conditions decide, so a cached view of the attempt can never
 * write into a submitted one. Resolves to the number of rows written (0 or 1).
 */
export function saveAnswer(
  tx: Tx,
  attemptId: string,
  userId: string,
  position: number,
  answer: unknown,
  at: Date,
) {
  return tx`
    update assessment.attempt_questions aq set answer = ${answer === null ? null : tx.json(answer as never)}, answered_at = ${at}
    from assessment.attempts a
    where a.id = aq.attempt_id and aq.attempt_id = ${attemptId} and aq.position = ${position}
      and a.status = 'in_progress' and a.user_id = ${userId}`;
}

export interface GradedRow {
  attemptId: string;
  position: number;
  version?: number;
  fraction: number | null;
  score: number | null;
  needsManual: boolean;
}

export async function storeGrades(tx: Tx, rows: GradedRow[]): Promise<void> {
  if (!rows.length) return;
  await tx`
    update assessment.attempt_questions aq set
      fraction = g.fraction, score = g.score, needs_manual = g.needs_manual, version = coalesce(g.version, aq.version)
    from jsonb_to_recordset(${tx.json(
      rows.map((r) => ({
        attempt_id: r.attemptId,
        position: r.position,
        fraction: r.fraction,
        score: r.score,
        needs_manual: r.needsManual,
        version: r.version ?? null,
      })) as never,
    )}) as g(attempt_id uuid, position int, fraction numeric, score numeric, needs_manual bool, version int)
    where aq.attempt_id = g.attempt_id and aq.position = g.position`;
}

export async function markSubmitted(
  tx: Tx,
  id: string,
  fields: { submittedAt: Date; autoSubmitted: boolean },
): Promise<void> {
  await tx`
    update assessment.attempts set status = 'submitted', submitted_at = ${fields.submittedAt},
      auto_submitted = ${fields.autoSubmitted}
    where id = ${id}`;
}

/**
 * Sums each attempt's question scores into the attempt and sets its grading state; returns the
 * attempts whose score changed, with the score before.
 */
export async function totalAttempts(
  tx: Tx,
  ids: string[],
): Promise<
  {
    id: string;
    quizId: string;
    userId: string;
    oldScore: number | null;
    score: number;
    gradingState: 'complete' | 'pending';
  }[]
> {
  return tx`
    update assessment.attempts a set score = s.total, grading_state = s.state
    from (
      select aq.attempt_id, coalesce(sum(aq.score), 0) as total,
             case when bool_or(aq.needs_manual) then 'pending' else 'complete' end as state,
             old.score as old_score
      from assessment.attempt_questions aq join assessment.attempts old on old.id = aq.attempt_id
      where aq.attempt_id = any(${ids}::uuid[])
      group by aq.attempt_id, old.score
    ) s
    where a.id = s.attempt_id
    returning a.id, a.quiz_id as "quizId", a.user_id as "userId", s.old_score::float8 as "oldScore",
              a.score::float8 as score, a.grading_state as "gradingState"`;
}

export interface QuizGradeRow {
  quizId: string;
  courseId: string;
  userId: string;
  score: number | null;
  pointsPossible: number;
  submittedAt: Date | null;
  pendingManual: boolean;
  overrideScore: number | null;
  overrideReason: string | null;
  attemptId: string | null;
}

/**
 * Recomputes quiz grades from submitted attempts with the quiz's policy (highest, latest,
 * average), for one student or (userId null) every student of the quiz. Overrides are kept.
 * Returns the grades that changed.
 */
export async function refreshQuizGrades(
  tx: Tx,
  quizId: string,
  userId: string | null,
): Promise<QuizGradeRow[]> {
  return tx<QuizGradeRow[]>`
    with counted as (
      select a.tenant_id, a.quiz_id, a.course_id, a.user_id,
        case q.scoring_policy
          when 'highest' then max(a.score)
          when 'average' then round(avg(a.score), 2)
          else (array_agg(a.score order by a.number desc))[1]
        end as score,
        case q.scoring_policy
          when 'highest' then (array_agg(a.id order by a.score desc, a.number))[1]
          else (array_agg(a.id order by a.number desc))[1]
        end as attempt_id,
        (array_agg(a.points_possible order by a.number desc))[1] as points_possible,
        case q.scoring_policy
          when 'highest' then (array_agg(a.submitted_at order by a.score desc, a.number))[1]
          else (array_agg(a.submitted_at order by a.number desc))[1]
        end as submitted_at,
        bool_or(a.grading_state = 'pending') as pending
      from assessment.attempts a join assessment.quizzes q on q.id = a.quiz_id
      where a.quiz_id = ${quizId} and a.status = 'submitted' and (${userId}::uuid is null or a.user_id = ${userId}::uuid)
      group by a.tenant_id, a.quiz_id, a.course_id, a.user_id, q.scoring_policy
    ), before as (
      select g.user_id, g.score, g.pending_manual from assessment.quiz_grades g
      where g.quiz_id = ${quizId} and (${userId}::uuid is null or g.user_id = ${userId}::uuid)
    ), upserted as (
      insert into assessment.quiz_grades (tenant_id, quiz_id, course_id, user_id, score, points_possible, submitted_at, pending_manual, updated_at)
      select tenant_id, quiz_id, course_id, user_id, score, points_possible, submitted_at, pending, now() from counted
      on conflict (quiz_id, user_id) do update set score = excluded.score, points_possible = excluded.points_possible,
        submitted_at = excluded.submitted_at, pending_manual = excluded.pending_manual, updated_at = now()
      returning quiz_id, course_id, user_id, score, points_possible, submitted_at, pending_manual, override_score, override_reason
    )
    select u.quiz_id as "quizId", u.course_id as "courseId", u.user_id as "userId", u.score::float8 as score,
           u.points_possible::float8 as "pointsPossible", u.submitted_at as "submittedAt", u.pending_manual as "pendingManual",
           u.override_score::float8 as "overrideScore", u.override_reason as "overrideReason", c.attempt_id as "attemptId"
    from upserted u join counted c on c.user_id = u.user_id
    left join before b on b.user_id = u.user_id
    where b.user_id is null or b.score is distinct from u.score or b.pending_manual is distinct from u.pending_manual`;
}

/** Open attempts past deadline + grace, across tenants (the sweeper runs as the service role). */
export async function overdueAttempts(
  tx: Tx,
  graceSeconds: number,
  now: Date,
  limit: number,
): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`
    select id from assessment.attempts
    where status = 'in_progress' and deadline_at < ${new Date(now.getTime() - graceSeconds * 1000)}
    order by deadline_at limit ${limit}`;
  return rows.map((r) => r.id);
}
