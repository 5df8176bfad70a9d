// The migrations image's entry (the Helm pre-install/pre-upgrade Job, compose's one-shot
// `migrations` service): applies supabase/migrations to DATABASE_URL with the kit's runner, the
// same one `npm run db:migrate` uses, without the embedded-PostgreSQL tooling of scripts/db.ts.
// Then, for each ROLE_PASSWORD_<role> variable (e.g. ROLE_PASSWORD_auth_service), lets that
// service role, which the migrations create without login, log in with that password: the
// deployment generates the passwords and hands each service its own.
import { join } from 'node:path';
import { createDb, describeStartupError } from '@eduspry/common';
import { migrate } from '../lib/migrations.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('migrations: DATABASE_URL is not set');
  process.exit(1);
}
const sql = createDb(url, { applicationName: 'eduspry-migrate', max: 1 });
try {
  const applied = await migrate(sql, join(import.meta.dirname, '../../supabase/migrations'));
  console.log(applied.length ? `applied ${applied.join(', ')}` : 'migrations up to date');
  for (const [key, password] of Object.entries(process.env)) {
    const role = /^ROLE_PASSWORD_([a-z][a-z0-9_]*_service)$/.exec(key)?.[1];
    if (!role || !password) continue;
    // ALTER ROLE takes no bind parameters; quote the literal the way PostgreSQL does.
    await sql.unsafe(`alter role "${role}" login password '${password.replaceAll("'", "''")}'`);
    console.log(`role ${role} may log in`);
  }
} catch (error) {
  console.error(`migrations failed: ${describeStartupError(error).replace(/^startup failed: /, '')}`);
  process.exitCode = 1;
} finally {
  await sql.end({ timeout: 5 });
}
