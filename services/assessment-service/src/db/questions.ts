import type { Tx } from '@eduspry/common';
import type { QuestionSpec } from '../domain/questions/index.ts';

export interface QuestionRow {
  id: string;
  bankId: string;
  bankCourseId: string | null;
  title: string;
  tags: string[];
  currentVersion: number;
  rubricId: string | null;
  type: string;
  points: number;
  spec: QuestionSpec;
  updatedAt: Date;
}

const select = (tx: Tx) => tx`
  select q.id, q.bank_id as "bankId", b.course_id as "bankCourseId", q.title, q.tags,
         q.current_version as "currentVersion", q.rubric_id as "rubricId", v.type,
         v.points::float8 as points, v.spec, q.updated_at as "updatedAt"
  from assessment.questions q
  join assessment.banks b on b.id = q.bank_id
  join assessment.question_versions v on v.question_id = q.id and v.version = q.current_version`;

export async function insertQuestion(
  tx: Tx,
  q: {
    tenantId: string;
    bankId: string;
    title: string;
    tags: string[];
    rubricId: string | null;
    points: number;
    spec: QuestionSpec;
    createdBy: string;
  },
): Promise<string> {
  const [row] = await tx<{ id: string }[]>`
    insert into assessment.questions (tenant_id, bank_id, title, tags, rubric_id, created_by)
    values (${q.tenantId}, ${q.bankId}, ${q.title}, ${q.tags}, ${q.rubricId}, ${q.createdBy}) returning id`;
  await tx`
    insert into assessment.question_versions (tenant_id, question_id, version, type, points, spec, created_by)
    values (${q.tenantId}, ${row!.id}, 1, ${q.spec.type}, ${q.points}, ${tx.json(q.spec as never)}, ${q.createdBy})`;
  return row!.id;
}

export async function findQuestion(tx: Tx, id: string): Promise<QuestionRow | undefined> {
  const [row] = await tx<QuestionRow[]>`${select(tx)} where q.id = ${id}`;
  return row;
}

export async function listQuestions(tx: Tx, bankId: string, tag?: string): Promise<QuestionRow[]> {
  return tag
    ? tx<
        QuestionRow[]
      >`${select(tx)} where q.bank_id = ${bankId} and ${tag} = any(q.tags) order by q.created_at`
    : tx<QuestionRow[]>`${select(tx)} where q.bank_id = ${bankId} order by q.created_at`;
}

/** Whether any attempt was given this version (then it is frozen). */
export async function versionInUse(tx: Tx, questionId: string, version: number): Promise<boolean> {
  const [row] = await tx<{ used: boolean }[]>`
    select exists (select 1 from assessment.attempt_questions where question_id = ${questionId} and version = ${version}) as used`;
  return row!.used;
}

export async function updateQuestionMeta(
  tx: Tx,
  id: string,
  fields: { title?: string | undefined; tags?: string[] | undefined; rubricId?: string | null | undefined },
): Promise<void> {
  await tx`
    update assessment.questions set
      title = coalesce(${fields.title ?? null}, title),
      tags = coalesce(${fields.tags ?? null}::text[], tags),
      rubric_id = case when ${fields.rubricId !== undefined} then ${fields.rubricId ?? null}::uuid else rubric_id end,
      updated_at = now()
    where id = ${id}`;
}

export async function replaceCurrentVersion(
  tx: Tx,
  id: string,
  version: number,
  points: number,
  spec: QuestionSpec,
): Promise<void> {
  await tx`
    update assessment.question_versions set type = ${spec.type}, points = ${points}, spec = ${tx.json(spec as never)}
    where question_id = ${id} and version = ${version}`;
}

export async function addVersion(
  tx: Tx,
  q: { tenantId: string; id: string; version: number; points: number; spec: QuestionSpec; createdBy: string },
): Promise<void> {
  await tx`
    insert into assessment.question_versions (tenant_id, question_id, version, type, points, spec, created_by)
    values (${q.tenantId}, ${q.id}, ${q.version}, ${q.spec.type}, ${q.points}, ${tx.json(q.spec as never)}, ${q.createdBy})`;
  await tx`update assessment.questions set current_version = ${q.version}, updated_at = now() where id = ${q.id}`;
}

export interface VersionRow {
  version: number;
  type: string;
  points: number;
  spec: QuestionSpec;
  createdAt: Date;
  createdBy: string;
}

export async function listVersions(tx: Tx, questionId: string): Promise<VersionRow[]> {
  return tx<VersionRow[]>`
    select version, type, points::float8 as points, spec, created_at as "createdAt", created_by as "createdBy"
    from assessment.question_versions where question_id = ${questionId} order by version`;
}

/** Specs of exact versions, for grading: [questionId, version] pairs. */
export async function versionsByKey(
  tx: Tx,
  keys: { questionId: string; version: number }[],
): Promise<Map<string, { type: string; points: number; spec: QuestionSpec; rubricId: string | null }>> {
  if (!keys.length) return new Map();
  const rows = await tx<
    {
      questionId: string;
      version: number;
      type: string;
      points: number;
      spec: QuestionSpec;
      rubricId: string | null;
    }[]
  >`
    select v.question_id as "questionId", v.version, v.type, v.points::float8 as points, v.spec, q.rubric_id as "rubricId"
    from assessment.question_versions v
    join assessment.questions q on q.id = v.question_id
    join unnest(${keys.map((k) => k.questionId)}::uuid[], ${keys.map((k) => k.version)}::int[]) as k(question_id, version)
      on k.question_id = v.question_id and k.version = v.version`;
  return new Map(rows.map((r) => [`${r.questionId}:${r.version}`, r]));
}
