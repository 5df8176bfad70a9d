// Lets the named services' roles (made login-less by the migrations) log in with a fresh password
// on DATABASE_URL's database and prints `<SERVICE>_DATABASE_URL=…` lines, for starting their
// images against it: `node scripts/deploy/service-roles.ts auth-service course-service`.
import { randomBytes } from 'node:crypto';
import { createDb, envPrefix } from '@eduspry/common';
import { databaseRoleOf } from '../lib/platform.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(1);
}
const sql = createDb(url, { applicationName: 'eduspry-setup', max: 1 });
try {
  for (const service of process.argv.slice(2)) {
    const role = databaseRoleOf(service);
    const password = randomBytes(18).toString('base64url');
    await sql.unsafe(`alter role "${role.replaceAll('"', '""')}" login password '${password}'`);
    const serviceUrl = new URL(url);
    serviceUrl.username = role;
    serviceUrl.password = password;
    console.log(`${envPrefix(service)}_DATABASE_URL=${serviceUrl}`);
  }
} finally {
  await sql.end();
}
