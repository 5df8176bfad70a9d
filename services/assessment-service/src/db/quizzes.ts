import type { Tx } from '@eduspry/common';
import type { ReleasePolicy, ScoringPolicy } from '../domain/rules.ts';

export interface QuizRow {
  id: string;
  tenantId: string;
  courseId: string;
  courseItemId: string | null;
  title: string;
  description: string;
  published: boolean;
  opensAt: Date | null;
  dueAt: Date | null;
  closesAt: Date | null;
  timeLimitSeconds: number | null;
  attemptsAllowed: number;
  scoringPolicy: ScoringPolicy;
  shuffleQuestions: boolean;
  oneQuestionAtATime: boolean;
  accessCode: string | null;
  releasePolicy: ReleasePolicy;
  categoryId: string | null;
  extraCredit: boolean;
  pointsPossible: number;
  updatedAt: Date;
}

export type SectionInput =
  | { kind: 'fixed'; questionIds: string[]; pointsEach?: number | undefined }
  | {
      kind: 'random';
      bankId: string;
      tag?: string | undefined;
      count: number;
      pointsEach?: number | undefined;
    };

export interface SectionRow {
  id: string;
  position: number;
  kind: 'fixed' | 'random';
  questionIds: string[];
  bankId: string | null;
  tag: string | null;
  drawCount: number | null;
  pointsEach: number | null;
}

const quizColumns = (tx: Tx) => tx`
  id, tenant_id as "tenantId", course_id as "courseId", course_item_id as "courseItemId", title, description,
  published, opens_at as "opensAt", due_at as "dueAt", closes_at as "closesAt",
  time_limit_seconds as "timeLimitSeconds", attempts_allowed as "attemptsAllowed",
  scoring_policy as "scoringPolicy", shuffle_questions as "shuffleQuestions",
  one_question_at_a_time as "oneQuestionAtATime", access_code as "accessCode",
  release_policy as "releasePolicy", category_id as "categoryId", extra_credit as "extraCredit",
  points_possible::float8 as "pointsPossible", updated_at as "updatedAt"`;

export type QuizFields = Partial<
  Omit<QuizRow, 'id' | 'tenantId' | 'courseId' | 'pointsPossible' | 'updatedAt'>
>;

const COLUMN: Record<keyof QuizFields, string> = {
  courseItemId: 'course_item_id',
  title: 'title',
  description: 'description',
  published: 'published',
  opensAt: 'opens_at',
  dueAt: 'due_at',
  closesAt: 'closes_at',
  timeLimitSeconds: 'time_limit_seconds',
  attemptsAllowed: 'attempts_allowed',
  scoringPolicy: 'scoring_policy',
  shuffleQuestions: 'shuffle_questions',
  oneQuestionAtATime: 'one_question_at_a_time',
  accessCode: 'access_code',
  releasePolicy: 'release_policy',
  categoryId: 'category_id',
  extraCredit: 'extra_credit',
};

const toColumns = (fields: QuizFields) =>
  Object.fromEntries(
    Object.entries(fields)
      .filter(([key, value]) => value !== undefined && key in COLUMN)
      .map(([key, value]) => [COLUMN[key as keyof QuizFields], value]),
  );

export async function insertQuiz(
  tx: Tx,
  quiz: { tenantId: string; courseId: string; createdBy: string; fields: QuizFields },
): Promise<string> {
  const row = {
    tenant_id: quiz.tenantId,
    course_id: quiz.courseId,
    created_by: quiz.createdBy,
    ...toColumns(quiz.fields),
  };
  const [created] = await tx<
    { id: string }[]
  >`insert into assessment.quizzes ${tx(row as never)} returning id`;
  return created!.id;
}

export async function updateQuiz(tx: Tx, id: string, fields: QuizFields): Promise<void> {
  const columns = toColumns(fields);
  if (!Object.keys(columns).length) return;
  await tx`update assessment.quizzes set ${tx({ ...columns, updated_at: new Date() } as never)} where id = ${id}`;
}

export async function findQuiz(tx: Tx, id: string): Promise<QuizRow | undefined> {
  const [row] = await tx<QuizRow[]>`select ${quizColumns(tx)} from assessment.quizzes where id = ${id}`;
  return row;
}

export async function listQuizzes(tx: Tx, courseId: string, publishedOnly: boolean): Promise<QuizRow[]> {
  return publishedOnly
    ? tx<
        QuizRow[]
      >`select ${quizColumns(tx)} from assessment.quizzes where course_id = ${courseId} and published order by created_at`
    : tx<
        QuizRow[]
      >`select ${quizColumns(tx)} from assessment.quizzes where course_id = ${courseId} order by created_at`;
}

export async function listSections(tx: Tx, quizId: string): Promise<SectionRow[]> {
  return tx<SectionRow[]>`
    select id, position, kind, question_ids as "questionIds", bank_id as "bankId", tag,
           draw_count as "drawCount", points_each::float8 as "pointsEach"
    from assessment.quiz_sections where quiz_id = ${quizId} order by position`;
}

export async function replaceSections(
  tx: Tx,
  tenantId: string,
  quizId: string,
  sections: SectionInput[],
  pointsPossible: number,
): Promise<void> {
  await tx`delete from assessment.quiz_sections where quiz_id = ${quizId}`;
  if (sections.length)
    await tx`insert into assessment.quiz_sections ${tx(
      sections.map((s, position) => ({
        tenant_id: tenantId,
        quiz_id: quizId,
        position,
        kind: s.kind,
        question_ids: s.kind === 'fixed' ? s.questionIds : [],
        bank_id: s.kind === 'random' ? s.bankId : null,
        tag: s.kind === 'random' ? (s.tag?.toLowerCase() ?? null) : null,
        draw_count: s.kind === 'random' ? s.count : null,
        points_each: s.pointsEach ?? (s.kind === 'random' ? 1 : null),
      })) as never,
    )}`;
  await tx`update assessment.quizzes set points_possible = ${pointsPossible}, updated_at = now() where id = ${quizId}`;
}

/** Current version of each candidate question: fixed ids, or a bank (optionally one tag). */
export interface Candidate {
  id: string;
  version: number;
  points: number;
  type: string;
  spec: import('../domain/questions/index.ts').QuestionSpec;
  bankId: string;
  tags: string[];
}

export async function candidatesFor(tx: Tx, questionIds: string[], bankIds: string[]): Promise<Candidate[]> {
  return tx<Candidate[]>`
    select q.id, q.current_version as version, v.points::float8 as points, v.type, v.spec, q.bank_id as "bankId", q.tags
    from assessment.questions q
    join assessment.question_versions v on v.question_id = q.id and v.version = q.current_version
    where q.id = any(${questionIds}::uuid[]) or q.bank_id = any(${bankIds}::uuid[])
    order by q.created_at, q.id`;
}

export interface AccommodationRow {
  userId: string;
  extraTimeSeconds: number;
  extraAttempts: number;
  opensAt: Date | null;
  dueAt: Date | null;
  closesAt: Date | null;
}

export async function upsertAccommodation(
  tx: Tx,
  tenantId: string,
  quizId: string,
  a: AccommodationRow,
): Promise<AccommodationRow> {
  const [row] = await tx<AccommodationRow[]>`
    insert into assessment.accommodations (tenant_id, quiz_id, user_id, extra_time_seconds, extra_attempts, opens_at, due_at, closes_at)
    values (${tenantId}, ${quizId}, ${a.userId}, ${a.extraTimeSeconds}, ${a.extraAttempts}, ${a.opensAt}, ${a.dueAt}, ${a.closesAt})
    on conflict (quiz_id, user_id) do update set extra_time_seconds = excluded.extra_time_seconds,
      extra_attempts = excluded.extra_attempts, opens_at = excluded.opens_at, due_at = excluded.due_at, closes_at = excluded.closes_at
    returning user_id as "userId", extra_time_seconds as "extraTimeSeconds", extra_attempts as "extraAttempts",
      opens_at as "opensAt", due_at as "dueAt", closes_at as "closesAt"`;
  return row!;
}

export async function findAccommodation(
  tx: Tx,
  quizId: string,
  userId: string,
): Promise<AccommodationRow | undefined> {
  const [row] = await tx<AccommodationRow[]>`
    select user_id as "userId", extra_time_seconds as "extraTimeSeconds", extra_attempts as "extraAttempts",
      opens_at as "opensAt", due_at as "dueAt", closes_at as "closesAt"
    from assessment.accommodations where quiz_id = ${quizId} and user_id = ${userId}`;
  return row;
}
