import { isDeepStrictEqual } from 'node:util';
import { withTenant } from '@eduspry/common';
import {
  type BankRow,
  findBank,
  findRubric,
  insertBank,
  insertRubric,
  listBanks,
  type RubricCriterion,
} from '../db/banks.ts';
import {
  addVersion,
  findQuestion,
  insertQuestion,
  listQuestions,
  listVersions,
  type QuestionRow,
  replaceCurrentVersion,
  updateQuestionMeta,
  versionInUse,
} from '../db/questions.ts';
import { problems } from '../problems.ts';
import { requireAccess } from './access.ts';
import type { AssessmentContext, Caller } from './context.ts';
import { checkSpec, type QuestionSpec } from './questions/index.ts';

const tenantOf = (caller: Caller) => caller.claims.app_metadata.tenant_id;

/** Course banks need the course's staff; shared (tenant) banks an instructor or administrator. */
async function requireBankManager(ctx: AssessmentContext, caller: Caller, courseId: string | null) {
  if (courseId) await requireAccess(ctx, caller, 'course.teach', { courseId });
  else await requireAccess(ctx, caller, 'tenant.teach');
}

export async function createBank(
  ctx: AssessmentContext,
  caller: Caller,
  input: { courseId?: string | undefined; title: string },
): Promise<BankRow> {
  await requireBankManager(ctx, caller, input.courseId ?? null);
  return withTenant(ctx.sql, caller.claims, (tx) =>
    insertBank(tx, {
      tenantId: tenantOf(caller),
      courseId: input.courseId ?? null,
      title: input.title,
      createdBy: caller.claims.sub,
    }),
  );
}

export async function listCourseBanks(ctx: AssessmentContext, caller: Caller, courseId: string | undefined) {
  await requireBankManager(ctx, caller, courseId ?? null);
  return withTenant(ctx.sql, caller.claims, (tx) => listBanks(tx, courseId ?? null));
}

export async function loadBank(ctx: AssessmentContext, caller: Caller, bankId: string): Promise<BankRow> {
  const bank = await withTenant(ctx.sql, caller.claims, (tx) => findBank(tx, bankId));
  if (!bank) throw problems.create('bank-not-found');
  await requireBankManager(ctx, caller, bank.courseId);
  return bank;
}

function validSpec(input: unknown): QuestionSpec {
  const { spec, problems: found } = checkSpec(input);
  if (!spec) throw problems.create('question-invalid', found.join('; '), { problems: found });
  return spec;
}

export interface QuestionInput {
  title: string;
  tags?: string[] | undefined;
  points?: number | undefined;
  spec: unknown;
  rubricId?: string | undefined;
}

const pointsFor = (spec: QuestionSpec, points: number | undefined) =>
  spec.type === 'text_only' ? 0 : (points ?? 1);

export async function createQuestion(
  ctx: AssessmentContext,
  caller: Caller,
  bankId: string,
  input: QuestionInput,
) {
  const bank = await loadBank(ctx, caller, bankId);
  const spec = validSpec(input.spec);
  return withTenant(ctx.sql, caller.claims, async (tx) => {
    if (input.rubricId && !(await findRubric(tx, input.rubricId))) throw problems.create('rubric-not-found');
    const id = await insertQuestion(tx, {
      tenantId: tenantOf(caller),
      bankId: bank.id,
      title: input.title,
      tags: normaliseTags(input.tags),
      rubricId: input.rubricId ?? null,
      points: pointsFor(spec, input.points),
      spec,
      createdBy: caller.claims.sub,
    });
    return (await findQuestion(tx, id))!;
  });
}

const normaliseTags = (tags: string[] | undefined) => [
  ...new Set((tags ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean)),
];

export async function listBankQuestions(
  ctx: AssessmentContext,
  caller: Caller,
  bankId: string,
  tag?: string,
) {
  await loadBank(ctx, caller, bankId);
  return withTenant(ctx.sql, caller.claims, (tx) => listQuestions(tx, bankId, tag?.toLowerCase()));
}

async function loadQuestion(ctx: AssessmentContext, caller: Caller, id: string): Promise<QuestionRow> {
  const question = await withTenant(ctx.sql, caller.claims, (tx) => findQuestion(tx, id));
  if (!question) throw problems.create('question-not-found');
  await requireBankManager(ctx, caller, question.bankCourseId);
  return question;
}

export const getQuestion = loadQuestion;

/**
 * Edits a question. A version an attempt was given is frozen: changing the key or points then
 * adds a version (attempts keep theirs until a regrade moves them); otherwise it is edited in place.
 */
export async function editQuestion(
  ctx: AssessmentContext,
  caller: Caller,
  id: string,
  input: Partial<QuestionInput>,
): Promise<QuestionRow & { versionCreated: boolean }> {
  const question = await loadQuestion(ctx, caller, id);
  const spec = input.spec === undefined ? undefined : validSpec(input.spec);
  return withTenant(ctx.sql, caller.claims, async (tx) => {
    if (input.rubricId && !(await findRubric(tx, input.rubricId))) throw problems.create('rubric-not-found');
    await updateQuestionMeta(tx, id, {
      title: input.title,
      tags: input.tags ? normaliseTags(input.tags) : undefined,
      rubricId: input.rubricId,
    });
    let versionCreated = false;
    const nextSpec = spec ?? question.spec;
    const points = pointsFor(nextSpec, input.points ?? question.points);
    // A spec and points equal to the current ones change nothing: no version, nothing to regrade.
    const changed =
      points !== question.points || !isDeepStrictEqual(JSON.parse(JSON.stringify(nextSpec)), question.spec);
    if (changed) {
      if (await versionInUse(tx, id, question.currentVersion)) {
        await addVersion(tx, {
          tenantId: tenantOf(caller),
          id,
          version: question.currentVersion + 1,
          points,
          spec: nextSpec,
          createdBy: caller.claims.sub,
        });
        versionCreated = true;
      } else await replaceCurrentVersion(tx, id, question.currentVersion, points, nextSpec);
    }
    return { ...(await findQuestion(tx, id))!, versionCreated };
  });
}

export async function questionVersions(ctx: AssessmentContext, caller: Caller, id: string) {
  await loadQuestion(ctx, caller, id);
  return withTenant(ctx.sql, caller.claims, (tx) => listVersions(tx, id));
}

export async function createRubric(
  ctx: AssessmentContext,
  caller: Caller,
  input: { courseId?: string | undefined; title: string; criteria: RubricCriterion[] },
) {
  await requireBankManager(ctx, caller, input.courseId ?? null);
  const ids = input.criteria.map((c) => c.id);
  if (
    new Set(ids).size !== ids.length ||
    input.criteria.some((c) => new Set(c.levels.map((l) => l.id)).size !== c.levels.length)
  )
    throw problems.create('bad-request', 'criterion ids, and level ids within a criterion, must be unique');
  return withTenant(ctx.sql, caller.claims, (tx) =>
    insertRubric(tx, {
      tenantId: tenantOf(caller),
      courseId: input.courseId ?? null,
      title: input.title,
      criteria: input.criteria,
      createdBy: caller.claims.sub,
    }),
  );
}

export async function getRubric(ctx: AssessmentContext, caller: Caller, id: string) {
  const rubric = await withTenant(ctx.sql, caller.claims, (tx) => findRubric(tx, id));
  if (!rubric) throw problems.create('rubric-not-found');
  await requireBankManager(ctx, caller, rubric.courseId);
  return rubric;
}
