import type { Tx } from '@eduspry/common';

/**
 * The questions of a bank by QTI identifier: the one each was imported with, or, for questions
 * authored here, the `eduspry-<id>` they are exported under (so importing an export is idempotent).
 */
export async function questionsByQtiIdentifier(
  tx: Tx,
  bankId: string,
  identifiers: string[],
): Promise<Map<string, string>> {
  if (!identifiers.length) return new Map();
  const rows = await tx<{ identifier: string | null; id: string }[]>`
    select qti_identifier as identifier, id
    from assessment.questions
    where bank_id = ${bankId}
      and (qti_identifier = any(${identifiers}::text[]) or 'eduspry-' || id::text = any(${identifiers}::text[]))`;
  const found = new Map<string, string>();
  for (const row of rows) {
    found.set(`eduspry-${row.id}`, row.id);
    if (row.identifier) found.set(row.identifier, row.id);
  }
  return found;
}

export async function setQtiIdentifier(tx: Tx, questionId: string, identifier: string): Promise<void> {
  await tx`update assessment.questions set qti_identifier = ${identifier} where id = ${questionId}`;
}

/** Each question's QTI identifier as imported (null: authored here). */
export async function qtiIdentifiers(tx: Tx, bankId: string): Promise<Map<string, string | null>> {
  const rows = await tx<{ id: string; identifier: string | null }[]>`
    select id, qti_identifier as identifier from assessment.questions where bank_id = ${bankId}`;
  return new Map(rows.map((r) => [r.id, r.identifier]));
}
