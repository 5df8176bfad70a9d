import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sql } from '@eduspry/common';

/**
 * Applies supabase/migrations/<timestamp>_<name>.sql in order, each file in its own
 * transaction, and records it where Supabase's CLI does (supabase_migrations.schema_migrations),
 * so a database migrated here can later be handed to `supabase db push`. That compatibility is
 * why this is a small runner of our own rather than a general-purpose migration tool.
 */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

const FILE_NAME = /^(\d{14})_([a-z0-9_]+)\.sql$/;

export interface MigrationFile {
  version: string;
  name: string;
  file: string;
}

export async function listMigrations(dir: string): Promise<MigrationFile[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  return files.map((file) => {
    const match = FILE_NAME.exec(file);
    if (!match)
      throw new MigrationError(`${file}: migration files are named <14-digit timestamp>_<snake_name>.sql`);
    return { version: match[1]!, name: match[2]!, file: join(dir, file) };
  });
}

/** Returns the versions applied by this call; already-applied files are skipped. */
export async function migrate(sql: Sql, dir: string): Promise<string[]> {
  await sql.unsafe(`
    create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (
      version text primary key, statements text[], name text
    );`);
  const applied: string[] = [];
  for (const migration of await listMigrations(dir)) {
    const text = await readFile(migration.file, 'utf8');
    const didApply = await sql.begin(async (tx) => {
      // Serialises concurrent runners (two services starting at once); the loser sees it applied.
      await tx`select pg_advisory_xact_lock(hashtext('eduspry.migrations'))`;
      const [done] =
        await tx`select 1 from supabase_migrations.schema_migrations where version = ${migration.version}`;
      if (done) return false;
      try {
        await tx.unsafe(text);
      } catch (error) {
        throw new MigrationError(describe(migration, text, error));
      }
      await tx`insert into supabase_migrations.schema_migrations (version, statements, name)
               values (${migration.version}, ${[text]}, ${migration.name})`;
      return true;
    });
    if (didApply) applied.push(migration.version);
  }
  return applied;
}

function describe(migration: MigrationFile, text: string, error: unknown): string {
  const e = error as { message?: string; position?: string | number; where?: string };
  const position = Number(e.position);
  const line =
    Number.isFinite(position) && position > 0 ? text.slice(0, position).split('\n').length : undefined;
  const where = line
    ? `${migration.version}_${migration.name}.sql:${line}`
    : `${migration.version}_${migration.name}.sql`;
  return `migration failed at ${where}: ${e.message ?? String(error)}${e.where ? ` (${e.where.split('\n')[0]})` : ''}`;
}
