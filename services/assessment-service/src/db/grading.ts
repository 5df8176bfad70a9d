import type { Tx } from '@eduspry/common';

export interface QueueRow {
  attemptId: string;
  position: number;
  quizId: string;
  quizTitle: string;
  userId: string;
  submittedAt: Date;
  type: string;
  points: number;
  answer: unknown;
  rubricId: string | null;
}

export async function gradingQueue(
  tx: Tx,
  courseId: string,
  quizId: string | null,
  limit: number,
): Promise<QueueRow[]> {
  return tx<QueueRow[]>`
    select aq.attempt_id as "attemptId", aq.position, a.quiz_id as "quizId", z.title as "quizTitle", a.user_id as "userId",
           a.submitted_at as "submittedAt", v.type, aq.points::float8 as points, aq.answer, q.rubric_id as "rubricId"
    from assessment.attempt_questions aq
    join assessment.attempts a on a.id = aq.attempt_id
    join assessment.quizzes z on z.id = a.quiz_id
    join assessment.question_versions v on v.question_id = aq.question_id and v.version = aq.version
    join assessment.questions q on q.id = aq.question_id
    where aq.needs_manual and a.course_id = ${courseId} and (${quizId}::uuid is null or a.quiz_id = ${quizId}::uuid)
    order by a.submitted_at, aq.position limit ${limit}`;
}

export async function storeManualGrade(
  tx: Tx,
  g: {
    attemptId: string;
    position: number;
    fraction: number;
    score: number;
    rubricLevels: Record<string, string> | null;
    feedback: string | null;
    gradedBy: string;
  },
): Promise<void> {
  await tx`
    update assessment.attempt_questions set fraction = ${g.fraction}, score = ${g.score}, needs_manual = false,
      rubric_levels = ${g.rubricLevels ? tx.json(g.rubricLevels) : null}, feedback = ${g.feedback},
      graded_by = ${g.gradedBy}, graded_at = now()
    where attempt_id = ${g.attemptId} and position = ${g.position}`;
}

export interface AuditEntry {
  tenantId: string;
  quizId: string;
  userId: string;
  attemptId: string | null;
  position: number | null;
  action: 'manual_grade' | 'override' | 'regrade';
  oldScore: number | null;
  newScore: number | null;
  reason: string | null;
  actor: string;
}

export async function insertAudit(tx: Tx, entries: AuditEntry[]): Promise<void> {
  for (let start = 0; start < entries.length; start += 1000) {
    const chunk = entries.slice(start, start + 1000).map((e) => ({
      tenant_id: e.tenantId,
      quiz_id: e.quizId,
      user_id: e.userId,
      attempt_id: e.attemptId,
      position: e.position,
      action: e.action,
      old_score: e.oldScore,
      new_score: e.newScore,
      reason: e.reason,
      actor: e.actor,
    }));
    await tx`insert into assessment.grade_audit ${tx(chunk as never)}`;
  }
}

export async function auditFor(tx: Tx, quizId: string, userId: string) {
  return tx`
    select id::text, attempt_id as "attemptId", position, action, old_score::float8 as "oldScore",
           new_score::float8 as "newScore", reason, actor, at
    from assessment.grade_audit where quiz_id = ${quizId} and user_id = ${userId} order by id`;
}

export async function setOverride(
  tx: Tx,
  g: {
    tenantId: string;
    quizId: string;
    courseId: string;
    userId: string;
    pointsPossible: number;
    score: number | null;
    reason: string;
  },
): Promise<{ oldOverride: number | null }> {
  const [before] = await tx<{ overrideScore: number | null }[]>`
    select override_score::float8 as "overrideScore" from assessment.quiz_grades where quiz_id = ${g.quizId} and user_id = ${g.userId}`;
  await tx`
    insert into assessment.quiz_grades (tenant_id, quiz_id, course_id, user_id, points_possible, override_score, override_reason)
    values (${g.tenantId}, ${g.quizId}, ${g.courseId}, ${g.userId}, ${g.pointsPossible}, ${g.score}, ${g.reason})
    on conflict (quiz_id, user_id) do update set override_score = excluded.override_score,
      override_reason = excluded.override_reason, updated_at = now()`;
  return { oldOverride: before?.overrideScore ?? null };
}

export interface RegradeCandidate {
  attemptId: string;
  userId: string;
  position: number;
  questionId: string;
  version: number;
  toVersion: number;
  points: number;
  drawn: unknown;
  answer: unknown;
  fraction: number | null;
  score: number | null;
  gradedBy: string | null;
}

/**
 * Submitted attempts' questions of a quiz (optionally one question) not yet on `toVersion`
 * (default: the question's current version), a page of attempts at a time.
 */
export async function regradePage(
  tx: Tx,
  quizId: string,
  questionId: string | null,
  toVersion: number | null,
  afterAttempt: string | null,
  attempts: number,
): Promise<RegradeCandidate[]> {
  return tx<RegradeCandidate[]>`
    with page as (
      select id, user_id from assessment.attempts
      where quiz_id = ${quizId} and status = 'submitted' and (${afterAttempt}::uuid is null or id > ${afterAttempt}::uuid)
      order by id limit ${attempts}
    )
    select aq.attempt_id as "attemptId", p.user_id as "userId", aq.position, aq.question_id as "questionId", aq.version,
           coalesce(${toVersion}::int, q.current_version) as "toVersion", aq.points::float8 as points, aq.drawn, aq.answer,
           aq.fraction::float8 as fraction, aq.score::float8 as score, aq.graded_by as "gradedBy"
    from page p
    join assessment.attempt_questions aq on aq.attempt_id = p.id
    join assessment.questions q on q.id = aq.question_id
    where (${questionId}::uuid is null or aq.question_id = ${questionId}::uuid)
    order by aq.attempt_id, aq.position`;
}

export async function lastAttemptOfPage(
  tx: Tx,
  quizId: string,
  afterAttempt: string | null,
  attempts: number,
): Promise<string | null> {
  const [row] = await tx<{ id: string | null }[]>`
    select max(id::text)::uuid as id from (
      select id from assessment.attempts
      where quiz_id = ${quizId} and status = 'submitted' and (${afterAttempt}::uuid is null or id > ${afterAttempt}::uuid)
      order by id limit ${attempts}) p`;
  return row?.id ?? null;
}

export async function insertRegrade(
  tx: Tx,
  r: {
    tenantId: string;
    quizId: string;
    questionId: string;
    fromVersion: number | null;
    toVersion: number;
    attempts: number;
    by: string;
  },
): Promise<void> {
  await tx`
    insert into assessment.regrades (tenant_id, quiz_id, question_id, from_version, to_version, attempts_regraded, requested_by)
    values (${r.tenantId}, ${r.quizId}, ${r.questionId}, ${r.fromVersion}, ${r.toVersion}, ${r.attempts}, ${r.by})`;
}

export async function regradeHistory(tx: Tx, questionId: string) {
  return tx`
    select id, quiz_id as "quizId", from_version as "fromVersion", to_version as "toVersion",
           attempts_regraded as "attemptsRegraded", requested_by as "requestedBy", at
    from assessment.regrades where question_id = ${questionId} order by at`;
}

export async function quizAttempts(tx: Tx, quizId: string) {
  return tx`
    select id, user_id as "userId", number, status, started_at as "startedAt", deadline_at as "deadlineAt",
           submitted_at as "submittedAt", auto_submitted as "autoSubmitted", grading_state as "gradingState",
           score::float8 as score, points_possible::float8 as "pointsPossible"
    from assessment.attempts where quiz_id = ${quizId} order by user_id, number`;
}
