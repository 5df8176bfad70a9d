import { withTenant } from '@eduspry/common';
import { stringify } from 'csv-stringify/sync';
import {
  courseGrades,
  gradebookItems,
  insertCategory,
  categories as listCategories,
  settings as loadSettings,
  upsertSettings,
} from '../db/gradebook.ts';
import { requireAccess } from './access.ts';
import type { AssessmentContext, Caller } from './context.ts';
import { computeStudentGrade, type GradebookSettings, type ItemGrade } from './rules.ts';

async function load(ctx: AssessmentContext, caller: Caller, courseId: string, userId: string | null) {
  return withTenant(ctx.sql, caller.claims, async (tx) => {
    const [items, categories, settings, grades] = await Promise.all([
      gradebookItems(tx, courseId),
      listCategories(tx, courseId),
      loadSettings(tx, courseId),
      courseGrades(tx, courseId, userId),
    ]);
    return { items, categories, settings, grades };
  });
}

function compute(data: Awaited<ReturnType<typeof load>>, now: Date, only?: string) {
  const byUser = new Map<string, Map<string, ItemGrade>>();
  if (only) byUser.set(only, new Map());
  for (const g of data.grades) {
    const mine = byUser.get(g.userId) ?? new Map<string, ItemGrade>();
    byUser.set(g.userId, mine);
    mine.set(g.quizId, g);
  }
  return [...byUser].map(([userId, grades]) => {
    const result = computeStudentGrade(data.items, data.categories, grades, data.settings, now);
    return {
      userId,
      percent: result.percent,
      letter: result.letter,
      categories: result.categories,
      items: result.items,
    };
  });
}

/**
 * The course gradebook for its staff: every student with a grade in the course (course-service
 * owns the roster; a student appears here with their first graded or submitted attempt).
 */
export async function courseGradebook(ctx: AssessmentContext, caller: Caller, courseId: string) {
  await requireAccess(ctx, caller, 'course.teach', { courseId });
  const data = await load(ctx, caller, courseId, null);
  return {
    courseId,
    quizzes: data.items,
    categories: data.categories,
    settings: data.settings,
    students: compute(data, ctx.now()).sort((a, b) => a.userId.localeCompare(b.userId)),
  };
}

/** The caller's own grades in a course, computed by the same rules as the staff view. */
export async function myGrades(ctx: AssessmentContext, caller: Caller, courseId: string) {
  await requireAccess(ctx, caller, 'course.member', { courseId });
  const data = await load(ctx, caller, courseId, caller.claims.sub);
  const [mine] = compute(data, ctx.now(), caller.claims.sub);
  return {
    courseId,
    quizzes: data.items,
    userId: mine!.userId,
    percent: mine!.percent,
    letter: mine!.letter,
    categories: mine!.categories,
    items: mine!.items,
  };
}

export async function gradebookCsv(
  ctx: AssessmentContext,
  caller: Caller,
  courseId: string,
): Promise<string> {
  const book = await courseGradebook(ctx, caller, courseId);
  const header = ['user_id', ...book.quizzes.map((i) => i.title), 'percent', 'letter'];
  const rows = book.students.map((s) => [
    s.userId,
    ...s.items.map((i) => (i.score === null ? '' : String(i.score))),
    s.percent === null ? '' : String(s.percent),
    s.letter ?? '',
  ]);
  // Cells that a spreadsheet would run as a formula are quoted with a leading apostrophe.
  const safe = (cell: string) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);
  return stringify([header.map(safe), ...rows.map((r) => r.map(safe))]);
}

export async function saveSettings(
  ctx: AssessmentContext,
  caller: Caller,
  courseId: string,
  settings: GradebookSettings,
) {
  await requireAccess(ctx, caller, 'course.teach', { courseId });
  await withTenant(ctx.sql, caller.claims, (tx) =>
    upsertSettings(tx, caller.claims.app_metadata.tenant_id, courseId, settings),
  );
  return settings;
}

export async function addCategory(
  ctx: AssessmentContext,
  caller: Caller,
  courseId: string,
  input: {
    name: string;
    weight?: number | undefined;
    dropLowest?: number | undefined;
    position?: number | undefined;
  },
) {
  await requireAccess(ctx, caller, 'course.teach', { courseId });
  return withTenant(ctx.sql, caller.claims, (tx) =>
    insertCategory(tx, {
      tenantId: caller.claims.app_metadata.tenant_id,
      courseId,
      name: input.name,
      weight: input.weight ?? 0,
      dropLowest: input.dropLowest ?? 0,
      position: input.position ?? 0,
    }),
  );
}

export async function courseCategories(ctx: AssessmentContext, caller: Caller, courseId: string) {
  await requireAccess(ctx, caller, 'course.member', { courseId });
  return withTenant(ctx.sql, caller.claims, (tx) => listCategories(tx, courseId));
}
