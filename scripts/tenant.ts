// npm run tenant:export -- <slug> [file]   writes one tenant's rows (default <slug>.tenant.json)
// npm run tenant:import -- <file>           adds them to another database
// Both against DATABASE_URL, which must be a superuser or owner (the copy passes under RLS, not
// through it). See infrastructure/README.md for moving between Supabase and self-hosted.
import { readFile, writeFile } from 'node:fs/promises';
import { createDb } from '@eduspry/common';
import { exportTenant, importTenant, type TenantExport, TenantTransferError } from './lib/tenant-transfer.ts';

const [command, argument, output] = process.argv.slice(2);
if (!['export', 'import'].includes(command ?? '') || !argument) {
  console.error('usage: node scripts/tenant.ts export <slug> [file] | import <file>');
  process.exit(2);
}
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set: point it at the source (export) or target (import) database');
  process.exit(2);
}
const sql = createDb(url, { applicationName: `eduspry-tenant-${command}`, max: 1 });
try {
  if (command === 'export') {
    const data = await exportTenant(sql, argument);
    const file = output ?? `${argument}.tenant.json`;
    await writeFile(file, JSON.stringify(data), { mode: 0o600 });
    const rows = Object.values(data.tables).reduce((sum, list) => sum + list.length, 0);
    console.log(
      `exported ${argument}: ${rows} rows from ${Object.keys(data.tables).length} tables to ${file}`,
    );
  } else {
    let data: TenantExport;
    try {
      data = JSON.parse(await readFile(argument, 'utf8')) as TenantExport;
    } catch (error) {
      throw new TenantTransferError(`cannot read ${argument}: ${(error as Error).message}`);
    }
    const counts = await importTenant(sql, data);
    const rows = Object.values(counts).reduce((sum, n) => sum + n, 0);
    console.log(`imported ${data.tenant.slug}: ${rows} rows into ${Object.keys(counts).length} tables`);
  }
} catch (error) {
  console.error(`tenant:${command} failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await sql.end({ timeout: 5 });
}
