import type { Sql, Tx } from '@eduspry/common';

export interface ChangeRow {
  id: string;
  tenant_id: string;
  schema_name: string;
  table_name: string;
  operation: 'INSERT' | 'UPDATE' | 'DELETE';
  record: Record<string, unknown> | null;
  old_record: Record<string, unknown> | null;
  primary_key: Record<string, unknown>;
  columns: { name: string; type: string }[];
  committed_at: Date;
}

export async function latestChangeId(sql: Sql): Promise<string> {
  const [row] = await sql<{ id: string }[]>`select coalesce(max(id), 0)::text as id from live.changes`;
  return row!.id;
}

export function changesAfter(sql: Sql, afterId: string, limit: number): Promise<ChangeRow[]> {
  return sql<ChangeRow[]>`
    select id::text, tenant_id, schema_name, table_name, operation, record, old_record, primary_key, columns, committed_at
    from live.changes where id > ${afterId}::bigint order by id limit ${limit}`;
}

export async function deleteChangesBefore(sql: Sql, cutoff: Date): Promise<number> {
  const deleted = await sql`delete from live.changes where committed_at < ${cutoff}`;
  return deleted.count;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Which of these rows (by primary key) the current user may read now: one statement per table
 * and subscriber, run under the subscriber's claims so the table's own RLS decides.
 */
export async function visibleKeys(
  tx: Tx,
  schema: string,
  table: string,
  keys: Record<string, unknown>[],
): Promise<Set<number>> {
  const columns = Object.keys(keys[0] ?? {});
  if (columns.length === 0) return new Set();
  const target = `${ident(schema)}.${ident(table)}`;
  const match = columns.map((column) => `t.${ident(column)} = k.${ident(column)}`).join(' and ');
  const rows = await tx.unsafe<{ i: number }[]>(
    `select (e.i - 1)::int as i
       from jsonb_array_elements($1::text::jsonb) with ordinality as e(v, i)
       cross join lateral jsonb_populate_record(null::${target}, e.v) as k
      where exists (select 1 from ${target} t where ${match})`,
    [JSON.stringify(keys)],
  );
  return new Set(rows.map((row) => row.i));
}
