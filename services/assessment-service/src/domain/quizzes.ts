import { type Tx, withTenant } from '@eduspry/common';
import { findBank } from '../db/banks.ts';
import { findCategory } from '../db/gradebook.ts';
import {
  type AccommodationRow,
  candidatesFor,
  findQuiz,
  insertQuiz,
  listQuizzes,
  listSections,
  type QuizFields,
  type QuizRow,
  replaceSections,
  type SectionInput,
  updateQuiz,
  upsertAccommodation,
} from '../db/quizzes.ts';
import { problems } from '../problems.ts';
import { requireAccess } from './access.ts';
import type { AssessmentContext, Caller } from './context.ts';

const tenantOf = (caller: Caller) => caller.claims.app_metadata.tenant_id;

/** What students may know about a quiz before they start (never the access code or sections). */
export function studentQuiz(quiz: QuizRow) {
  const { accessCode, ...rest } = quiz;
  return { ...rest, accessCodeRequired: accessCode !== null };
}

function checkDates(fields: QuizFields) {
  const { opensAt, dueAt, closesAt } = fields;
  if (opensAt && closesAt && opensAt >= closesAt)
    throw problems.create('quiz-invalid', 'opensAt must be before closesAt');
  if (dueAt && closesAt && dueAt > closesAt)
    throw problems.create('quiz-invalid', 'dueAt must not be after closesAt');
}

/** A quiz may only count in a grade category of its own course. */
async function checkCategory(tx: Tx, courseId: string, categoryId: string | null | undefined) {
  if (!categoryId) return;
  const category = await findCategory(tx, categoryId);
  if (!category || category.courseId !== courseId) throw problems.create('category-not-found');
}

/** Sections must name questions and banks of this course or the tenant's shared banks. */
async function sectionPoints(tx: Tx, courseId: string, sections: SectionInput[]): Promise<number> {
  const fixedIds = sections.flatMap((s) => (s.kind === 'fixed' ? s.questionIds : []));
  const bankIds = [...new Set(sections.flatMap((s) => (s.kind === 'random' ? [s.bankId] : [])))];
  for (const bankId of bankIds) {
    const bank = await findBank(tx, bankId);
    if (!bank || (bank.courseId !== null && bank.courseId !== courseId))
      throw problems.create('bank-not-found', `No bank ${bankId} in this course or shared by the tenant`);
  }
  const candidates = await candidatesFor(tx, fixedIds, bankIds);
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const fixedBanks = new Set(candidates.filter((c) => fixedIds.includes(c.id)).map((c) => c.bankId));
  for (const bankId of fixedBanks) {
    const bank = await findBank(tx, bankId);
    if (!bank || (bank.courseId !== null && bank.courseId !== courseId))
      throw problems.create('question-not-found', 'A fixed question belongs to another course');
  }
  let points = 0;
  const seen = new Set<string>();
  // As attempts draw (materialise): never a fixed question, never one an earlier draw may take.
  const fixed = new Set(fixedIds);
  const earlierDraws: { pool: Set<string>; count: number }[] = [];
  for (const section of sections) {
    if (section.kind === 'fixed') {
      for (const id of section.questionIds) {
        const question = byId.get(id);
        if (!question) throw problems.create('question-not-found', `No question ${id}`);
        if (seen.has(id)) throw problems.create('quiz-invalid', `Question ${id} appears twice`);
        seen.add(id);
        if (question.type !== 'text_only') points += section.pointsEach ?? question.points;
      }
    } else {
      const pool = new Set(
        candidates
          .filter(
            (c) =>
              c.bankId === section.bankId &&
              (!section.tag || c.tags.includes(section.tag.toLowerCase())) &&
              c.type !== 'text_only' &&
              !fixed.has(c.id),
          )
          .map((c) => c.id),
      );
      // What earlier draws can take from this pool at most: every attempt must find enough.
      const taken = earlierDraws.reduce(
        (sum, draw) => sum + Math.min(draw.count, [...draw.pool].filter((id) => pool.has(id)).length),
        0,
      );
      if (pool.size - taken < section.count)
        throw problems.create(
          'not-enough-questions',
          `The bank has ${pool.size - taken} matching questions not placed by other sections; the section draws ${section.count}`,
        );
      earlierDraws.push({ pool, count: section.count });
      points += section.count * (section.pointsEach ?? 1);
    }
  }
  return Math.round(points * 100) / 100;
}

export async function createQuiz(
  ctx: AssessmentContext,
  caller: Caller,
  courseId: string,
  input: QuizFields & { sections?: SectionInput[] | undefined },
) {
  await requireAccess(ctx, caller, 'course.teach', { courseId });
  const { sections = [], ...fields } = input;
  checkDates(fields);
  return withTenant(ctx.sql, caller.claims, async (tx) => {
    await checkCategory(tx, courseId, fields.categoryId);
    const id = await insertQuiz(tx, {
      tenantId: tenantOf(caller),
      courseId,
      createdBy: caller.claims.sub,
      fields,
    });
    await replaceSections(tx, tenantOf(caller), id, sections, await sectionPoints(tx, courseId, sections));
    return staffQuiz(tx, id);
  });
}

async function staffQuiz(tx: Tx, id: string) {
  const quiz = await findQuiz(tx, id);
  if (!quiz) throw problems.create('quiz-not-found');
  return { ...quiz, sections: await listSections(tx, id) };
}

/** The quiz for whoever asks: staff get sections and the access code, students the summary. */
export async function getQuiz(ctx: AssessmentContext, caller: Caller, id: string) {
  const quiz = await withTenant(ctx.sql, caller.claims, (tx) => findQuiz(tx, id));
  if (!quiz) throw problems.create('quiz-not-found');
  const { staff } = await requireAccess(ctx, caller, 'course.member', { courseId: quiz.courseId });
  if (staff) return withTenant(ctx.sql, caller.claims, (tx) => staffQuiz(tx, id));
  if (!quiz.published) throw problems.create('quiz-not-found');
  return studentQuiz(quiz);
}

export async function courseQuizzes(ctx: AssessmentContext, caller: Caller, courseId: string) {
  const { staff } = await requireAccess(ctx, caller, 'course.member', { courseId });
  const quizzes = await withTenant(ctx.sql, caller.claims, (tx) => listQuizzes(tx, courseId, !staff));
  return staff ? quizzes : quizzes.map(studentQuiz);
}

async function loadForStaff(ctx: AssessmentContext, caller: Caller, id: string): Promise<QuizRow> {
  const quiz = await withTenant(ctx.sql, caller.claims, (tx) => findQuiz(tx, id));
  if (!quiz) throw problems.create('quiz-not-found');
  await requireAccess(ctx, caller, 'course.teach', { courseId: quiz.courseId });
  return quiz;
}

export async function editQuiz(
  ctx: AssessmentContext,
  caller: Caller,
  id: string,
  input: QuizFields & { sections?: SectionInput[] | undefined },
) {
  const quiz = await loadForStaff(ctx, caller, id);
  const { sections, ...fields } = input;
  checkDates({
    opensAt: fields.opensAt === undefined ? quiz.opensAt : fields.opensAt,
    dueAt: fields.dueAt === undefined ? quiz.dueAt : fields.dueAt,
    closesAt: fields.closesAt === undefined ? quiz.closesAt : fields.closesAt,
  });
  return withTenant(ctx.sql, caller.claims, async (tx) => {
    await checkCategory(tx, quiz.courseId, fields.categoryId);
    await updateQuiz(tx, id, fields);
    if (sections)
      await replaceSections(
        tx,
        tenantOf(caller),
        id,
        sections,
        await sectionPoints(tx, quiz.courseId, sections),
      );
    return staffQuiz(tx, id);
  });
}

export async function setAccommodation(
  ctx: AssessmentContext,
  caller: Caller,
  quizId: string,
  accommodation: AccommodationRow,
) {
  await loadForStaff(ctx, caller, quizId);
  return withTenant(ctx.sql, caller.claims, (tx) =>
    upsertAccommodation(tx, tenantOf(caller), quizId, accommodation),
  );
}

export { loadForStaff as loadQuizForStaff };
