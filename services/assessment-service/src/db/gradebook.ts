import type { Tx } from '@eduspry/common';
import type { GradebookCategory, GradebookItem, GradebookSettings, ItemGrade } from '../domain/rules.ts';

export async function gradebookItems(
  tx: Tx,
  courseId: string,
): Promise<(GradebookItem & { title: string })[]> {
  return tx<(GradebookItem & { title: string })[]>`
    select id, title, category_id as "categoryId", points_possible::float8 as "pointsPossible", due_at as "dueAt",
           extra_credit as "extraCredit"
    from assessment.quizzes where course_id = ${courseId} and published order by due_at nulls last, created_at`;
}

export async function categories(
  tx: Tx,
  courseId: string,
): Promise<(GradebookCategory & { position: number })[]> {
  return tx<(GradebookCategory & { position: number })[]>`
    select id, name, weight::float8 as weight, drop_lowest as "dropLowest", position
    from assessment.grade_categories where course_id = ${courseId} order by position, name`;
}

export async function insertCategory(
  tx: Tx,
  c: {
    tenantId: string;
    courseId: string;
    name: string;
    weight: number;
    dropLowest: number;
    position: number;
  },
) {
  const [row] = await tx<GradebookCategory[]>`
    insert into assessment.grade_categories (tenant_id, course_id, name, weight, drop_lowest, position)
    values (${c.tenantId}, ${c.courseId}, ${c.name}, ${c.weight}, ${c.dropLowest}, ${c.position})
    returning id, name, weight::float8 as weight, drop_lowest as "dropLowest", position`;
  return row!;
}

export async function findCategory(tx: Tx, id: string) {
  const [row] = await tx<{ id: string; courseId: string }[]>`
    select id, course_id as "courseId" from assessment.grade_categories where id = ${id}`;
  return row;
}

export async function settings(tx: Tx, courseId: string): Promise<GradebookSettings> {
  const [row] = await tx<GradebookSettings[]>`
    select weighted, late_policy as "latePolicy", letter_scheme as "letterScheme"
    from assessment.gradebook_settings where course_id = ${courseId}`;
  return row ?? { weighted: false, latePolicy: null, letterScheme: null };
}

export async function upsertSettings(
  tx: Tx,
  tenantId: string,
  courseId: string,
  s: GradebookSettings,
): Promise<void> {
  await tx`
    insert into assessment.gradebook_settings (tenant_id, course_id, weighted, late_policy, letter_scheme)
    values (${tenantId}, ${courseId}, ${s.weighted}, ${s.latePolicy ? tx.json(s.latePolicy as never) : null},
            ${s.letterScheme ? tx.json(s.letterScheme as never) : null})
    on conflict (course_id) do update set weighted = excluded.weighted, late_policy = excluded.late_policy,
      letter_scheme = excluded.letter_scheme, updated_at = now()`;
}

/** Quiz grades of a course: everyone's, or (userId) one student's. */
export async function courseGrades(
  tx: Tx,
  courseId: string,
  userId: string | null,
): Promise<(ItemGrade & { userId: string; quizId: string })[]> {
  return tx<(ItemGrade & { userId: string; quizId: string })[]>`
    select user_id as "userId", quiz_id as "quizId", score::float8 as score, submitted_at as "submittedAt",
           override_score::float8 as "overrideScore", pending_manual as "pendingManual"
    from assessment.quiz_grades
    where course_id = ${courseId} and (${userId}::uuid is null or user_id = ${userId}::uuid)`;
}
