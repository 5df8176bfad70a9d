import { isDeepStrictEqual } from 'node:util';
import { withTenant } from '@eduspry/common';
import { qtiIdentifiers, questionsByQtiIdentifier, setQtiIdentifier } from '../db/qti.ts';
import {
  addVersion,
  findQuestion,
  insertQuestion,
  listQuestions,
  replaceCurrentVersion,
  updateQuestionMeta,
  versionInUse,
} from '../db/questions.ts';
import { loadBank } from './banks.ts';
import type { AssessmentContext, Caller } from './context.ts';
import { buildPackage, type ExportReport, identifierFor, parsePackage } from './qti.ts';
import { checkSpec, type QuestionSpec } from './questions/index.ts';

export interface ImportResult {
  imported: {
    identifier: string;
    title: string;
    questionId: string;
    type: string;
    /** created; updated (content changed: a new version when an attempt used the old one); unchanged. */
    status: 'created' | 'updated' | 'unchanged';
    versionCreated: boolean;
  }[];
  skipped: { identifier: string; title: string; reason: string }[];
}

const normaliseTags = (tags: string[]) => [
  ...new Set(tags.map((t) => t.trim().toLowerCase().slice(0, 50)).filter(Boolean)),
];

/**
 * Imports a QTI 2.1 package (or one item) into a bank, all in one transaction. Idempotent by item
 * identifier: an item already imported into this bank (or exported from it) updates its question
 * when its content changed, as an edit does (a new version once an attempt used the current one).
 */
export async function importQti(
  ctx: AssessmentContext,
  caller: Caller,
  bankId: string,
  body: Uint8Array,
): Promise<ImportResult> {
  const bank = await loadBank(ctx, caller, bankId);
  const parsed = parsePackage(body);
  const result: ImportResult = { imported: [], skipped: [] };
  const ready: { identifier: string; title: string; tags: string[]; points: number; spec: QuestionSpec }[] =
    [];
  for (const item of parsed) {
    if (item.skipped !== undefined) {
      result.skipped.push({ identifier: item.identifier, title: item.title, reason: item.skipped });
      continue;
    }
    const { spec, problems: found } = checkSpec(item.question.spec);
    if (!spec)
      result.skipped.push({
        identifier: item.identifier,
        title: item.title,
        reason: `not a valid ${item.question.spec.type} question: ${found.join('; ')}`,
      });
    else
      ready.push({
        identifier: item.identifier,
        title: item.title,
        tags: normaliseTags(item.question.tags),
        points: spec.type === 'text_only' ? 0 : item.question.points,
        spec,
      });
  }
  const tenantId = caller.claims.app_metadata.tenant_id;
  await withTenant(ctx.sql, caller.claims, async (tx) => {
    const existing = await questionsByQtiIdentifier(
      tx,
      bank.id,
      ready.map((q) => q.identifier),
    );
    for (const q of ready) {
      const known = existing.get(q.identifier);
      const entry = { identifier: q.identifier, title: q.title, type: q.spec.type };
      if (!known) {
        const id = await insertQuestion(tx, {
          tenantId,
          bankId: bank.id,
          title: q.title,
          tags: q.tags,
          rubricId: null,
          points: q.points,
          spec: q.spec,
          createdBy: caller.claims.sub,
        });
        await setQtiIdentifier(tx, id, q.identifier);
        result.imported.push({ ...entry, questionId: id, status: 'created', versionCreated: false });
        continue;
      }
      const current = (await findQuestion(tx, known))!;
      const contentSame = current.points === q.points && isDeepStrictEqual(current.spec, q.spec);
      const metaSame =
        current.title === q.title && isDeepStrictEqual([...current.tags].sort(), [...q.tags].sort());
      let versionCreated = false;
      if (!metaSame) await updateQuestionMeta(tx, known, { title: q.title, tags: q.tags });
      if (!contentSame) {
        if (await versionInUse(tx, known, current.currentVersion)) {
          await addVersion(tx, {
            tenantId,
            id: known,
            version: current.currentVersion + 1,
            points: q.points,
            spec: q.spec,
            createdBy: caller.claims.sub,
          });
          versionCreated = true;
        } else await replaceCurrentVersion(tx, known, current.currentVersion, q.points, q.spec);
      }
      result.imported.push({
        ...entry,
        questionId: known,
        status: contentSame && metaSame ? 'unchanged' : 'updated',
        versionCreated,
      });
    }
  });
  return result;
}

/** The bank's current questions as a QTI 2.1 package, with what could not be exported. */
export async function exportQti(
  ctx: AssessmentContext,
  caller: Caller,
  bankId: string,
): Promise<{ zip: Uint8Array; report: ExportReport; fileName: string }> {
  const bank = await loadBank(ctx, caller, bankId);
  const { questions, identifiers } = await withTenant(ctx.sql, caller.claims, async (tx) => ({
    questions: await listQuestions(tx, bank.id),
    identifiers: await qtiIdentifiers(tx, bank.id),
  }));
  const { zip, report } = buildPackage(
    bank,
    questions.map((q) => ({
      questionId: q.id,
      identifier: identifierFor(q.id, identifiers.get(q.id) ?? null),
      title: q.title,
      tags: q.tags,
      points: q.points,
      spec: q.spec,
    })),
  );
  const slug =
    bank.title
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'bank';
  return { zip, report, fileName: `qti-${slug}-${bank.id.slice(0, 8)}.zip` };
}
