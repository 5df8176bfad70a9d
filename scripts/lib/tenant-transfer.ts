// One tenant's rows, moved between two EduSpry databases (a district leaving Supabase for its own
// PostgreSQL, or the reverse, or a move between clouds). Every table of every schema with a
// `tenant_id` column travels, found in the catalog at export time, so a new service's tables are
// included without touching this file; plus the tenant's own row. What does not travel is listed
// in NOT_MOVED with the reason. Rows go through `to_jsonb` and back through
// `jsonb_populate_recordset`, so PostgreSQL itself converts every type both ways.
import type { Sql } from '@eduspry/common';

export const FORMAT = 'eduspry-tenant-export';
export const VERSION = 1;

/** Tables with tenant_id that stay behind, and why. */
export const NOT_MOVED: ReadonlyArray<{ pattern: RegExp; reason: string }> = [
  { pattern: /^eventbus\./, reason: 'the event log is delivery plumbing; consumers would process it twice' },
  {
    pattern: /\.(outbox|processed_events|dead_letters)$/,
    reason: 'per-database delivery state of the event bus',
  },
  {
    pattern: /^identity\.(sessions|refresh_tokens|one_time_tokens|oidc_login_states|sign_in_failures)$/,
    reason: 'short-lived security state: users sign in again on the new platform',
  },
];

export interface TenantExport {
  format: typeof FORMAT;
  version: typeof VERSION;
  exportedAt: string;
  tenant: { id: string; slug: string };
  /** Migration versions of the source; the target must have applied at least these. */
  migrations: string[];
  /** schema.table → rows (as to_jsonb gives them), parents before children. */
  tables: Record<string, unknown[]>;
}

interface TableInfo {
  name: string;
  /** Columns a plain INSERT may set (generated columns and identity columns are the target's). */
  columns: string[];
  references: string[];
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const quoteTable = (name: string) => name.split('.').map(quoteIdent).join('.');

/** Tables holding tenant rows (not partitions: their parent is read), in foreign-key order. */
async function tenantTables(sql: Sql): Promise<TableInfo[]> {
  const rows = await sql<{ name: string; columns: string[]; references: string[] | null }[]>`
    select n.nspname || '.' || c.relname as name,
      array(select a.attname::text from pg_attribute a
        where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
          and a.attgenerated = '' and a.attidentity = ''
        order by a.attnum) as columns,
      array(select distinct fn.nspname || '.' || fc.relname from pg_constraint f
        join pg_class fc on fc.oid = f.confrelid join pg_namespace fn on fn.oid = fc.relnamespace
        where f.conrelid = c.oid and f.contype = 'f' and f.confrelid <> c.oid) as references
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and not c.relispartition
      and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
      and (exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id'
                   and not a.attisdropped)
           or (n.nspname, c.relname) = ('identity', 'tenants'))
    order by 1`;
  const tables = rows
    .filter((row) => !NOT_MOVED.some(({ pattern }) => pattern.test(row.name)))
    .map((row) => ({ name: row.name, columns: row.columns, references: row.references ?? [] }));
  // Parents first, so every foreign key is checked as rows arrive.
  const ordered: TableInfo[] = [];
  const pending = new Map(tables.map((table) => [table.name, table]));
  while (pending.size) {
    const ready = [...pending.values()].filter((table) =>
      table.references.every((parent) => !pending.has(parent)),
    );
    if (!ready.length) throw new Error(`foreign keys form a cycle among ${[...pending.keys()].join(', ')}`);
    for (const table of ready) {
      ordered.push(table);
      pending.delete(table.name);
    }
  }
  return ordered;
}

async function appliedMigrations(sql: Sql): Promise<string[]> {
  const rows = await sql<{ version: string }[]>`
    select version from supabase_migrations.schema_migrations order by version`;
  return rows.map((row) => row.version);
}

export class TenantTransferError extends Error {}

/** Reads every row of the tenant `slug` in one repeatable-read snapshot. */
export async function exportTenant(sql: Sql, slug: string): Promise<TenantExport> {
  return sql.begin('isolation level repeatable read read only', async (tx) => {
    const [tenant] = await tx<{ id: string; slug: string }[]>`
      select id, slug from identity.tenants where slug = ${slug}`;
    if (!tenant) throw new TenantTransferError(`no tenant with slug ${JSON.stringify(slug)}`);
    const tables: Record<string, unknown[]> = {};
    for (const table of await tenantTables(tx as unknown as Sql)) {
      const key = table.name === 'identity.tenants' ? 'id' : 'tenant_id';
      const rows = await tx.unsafe<{ row: unknown }[]>(
        `select to_jsonb(t) as row from ${quoteTable(table.name)} t where t.${key} = $1`,
        [tenant.id],
      );
      tables[table.name] = rows.map((row) => row.row);
    }
    return {
      format: FORMAT,
      version: VERSION,
      exportedAt: new Date().toISOString(),
      tenant,
      migrations: await appliedMigrations(tx as unknown as Sql),
      tables,
    };
  }) as Promise<TenantExport>;
}

/**
 * Writes an export into a database that has the same migrations and does not hold the tenant
 * yet, in one transaction: all of it or nothing. Returns the row count per table.
 */
/**
 * A table partitioned by day (analytics.events, by `ts`) has only the partitions its service made
 * for the days it saw, and a fresh target has none: the days of the imported rows are created first,
 * through the schema's own `ensure_day_partitions(first, last)` (at most 400 days a call).
 */
async function ensureDayPartitions(sql: Sql, table: string, rows: unknown[]): Promise<void> {
  const [schema] = table.split('.');
  const [partitioned] = await sql<{ key: string; ensure: boolean }[]>`
    select a.attname::text as key,
      to_regprocedure(${`${schema}.ensure_day_partitions(date,date)`}) is not null as ensure
    from pg_partitioned_table p
    join pg_attribute a on a.attrelid = p.partrelid and a.attnum = p.partattrs[0]
    where p.partrelid = ${table}::regclass and p.partstrat = 'r'`;
  if (!partitioned?.ensure) return;
  const days = [
    ...new Set(
      rows.map((row) =>
        new Date(String((row as Record<string, unknown>)[partitioned.key])).toISOString().slice(0, 10),
      ),
    ),
  ].sort();
  for (let at = 0; at < days.length; at++) {
    const first = days[at]!;
    // Consecutive calls of at most 400 days, each from a day that has rows.
    const limit = new Date(Date.parse(first) + 399 * 86_400_000).toISOString().slice(0, 10);
    while (at + 1 < days.length && days[at + 1]! <= limit) at++;
    await sql.unsafe(`select ${quoteIdent(schema!)}.ensure_day_partitions($1::date, $2::date)`, [
      first,
      days[at]!,
    ]);
  }
}

export async function importTenant(sql: Sql, data: TenantExport): Promise<Record<string, number>> {
  if (data?.format !== FORMAT || data.version !== VERSION)
    throw new TenantTransferError(`not an ${FORMAT} file of version ${VERSION}`);
  const tenantId = data.tenant?.id;
  if (typeof tenantId !== 'string' || !/^[0-9a-f-]{36}$/i.test(tenantId))
    throw new TenantTransferError('the export names no tenant id');
  const applied = new Set(await appliedMigrations(sql));
  const missing = data.migrations.filter((version) => !applied.has(version));
  if (missing.length)
    throw new TenantTransferError(
      `the target lacks migrations ${missing.join(', ')}: run npm run db:migrate against it first`,
    );
  return sql.begin(async (tx) => {
    const [exists] = await tx`
      select 1 from identity.tenants where id = ${tenantId} or slug = ${data.tenant.slug}`;
    if (exists) throw new TenantTransferError(`the target already has tenant ${data.tenant.slug}`);
    const known = new Map((await tenantTables(tx as unknown as Sql)).map((table) => [table.name, table]));
    const unknown = Object.keys(data.tables).filter((name) => !known.has(name));
    if (unknown.length) throw new TenantTransferError(`the target has no table ${unknown.join(', ')}`);
    const counts: Record<string, number> = {};
    for (const table of known.values()) {
      const rows = data.tables[table.name] ?? [];
      counts[table.name] = rows.length;
      if (!rows.length) continue;
      const key = table.name === 'identity.tenants' ? 'id' : 'tenant_id';
      // A row of another tenant in the file is refused, not imported.
      if (rows.some((row) => (row as Record<string, unknown>)?.[key] !== tenantId))
        throw new TenantTransferError(`${table.name} holds rows of another tenant`);
      await ensureDayPartitions(tx as unknown as Sql, table.name, rows);
      const columns = table.columns.map(quoteIdent).join(', ');
      await tx.unsafe(
        `insert into ${quoteTable(table.name)} (${columns})
         select ${columns} from jsonb_populate_recordset(null::${quoteTable(table.name)}, $1::text::jsonb)`,
        [JSON.stringify(rows)],
      );
    }
    return counts;
  }) as Promise<Record<string, number>>;
}
