import type { Tx } from '@eduspry/common';

export interface BankRow {
  id: string;
  courseId: string | null;
  title: string;
  createdAt: Date;
}

const columns = (tx: Tx) => tx`id, course_id as "courseId", title, created_at as "createdAt"`;

export async function insertBank(
  tx: Tx,
  bank: { tenantId: string; courseId: string | null; title: string; createdBy: string },
): Promise<BankRow> {
  const [row] = await tx<BankRow[]>`
    insert into assessment.banks (tenant_id, course_id, title, created_by)
    values (${bank.tenantId}, ${bank.courseId}, ${bank.title}, ${bank.createdBy})
    returning ${columns(tx)}`;
  return row!;
}

export async function findBank(tx: Tx, id: string): Promise<BankRow | undefined> {
  const [row] = await tx<BankRow[]>`select ${columns(tx)} from assessment.banks where id = ${id}`;
  return row;
}

/** A course's own banks and the tenant's shared ones. */
export async function listBanks(tx: Tx, courseId: string | null): Promise<BankRow[]> {
  return courseId
    ? tx<BankRow[]>`select ${columns(tx)} from assessment.banks
        where course_id = ${courseId} or course_id is null order by created_at`
    : tx<BankRow[]>`select ${columns(tx)} from assessment.banks where course_id is null order by created_at`;
}

export interface RubricRow {
  id: string;
  courseId: string | null;
  title: string;
  criteria: RubricCriterion[];
}
export interface RubricCriterion {
  id: string;
  title: string;
  hiddenNote?: string | undefined;
  levels: { id: string; title: string; points: number }[];
}

export async function insertRubric(
  tx: Tx,
  rubric: {
    tenantId: string;
    courseId: string | null;
    title: string;
    criteria: RubricCriterion[];
    createdBy: string;
  },
): Promise<RubricRow> {
  const [row] = await tx<RubricRow[]>`
    insert into assessment.rubrics (tenant_id, course_id, title, criteria, created_by)
    values (${rubric.tenantId}, ${rubric.courseId}, ${rubric.title}, ${tx.json(rubric.criteria as never)}, ${rubric.createdBy})
    returning id, course_id as "courseId", title, criteria`;
  return row!;
}

export async function findRubric(tx: Tx, id: string): Promise<RubricRow | undefined> {
  const [row] = await tx<RubricRow[]>`
    select id, course_id as "courseId", title, criteria from assessment.rubrics where id = ${id}`;
  return row;
}
