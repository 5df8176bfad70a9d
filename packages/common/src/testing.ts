import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envPrefix } from './config.ts';
import { createDb, type Sql, type TenantClaims } from './db.ts';

/**
 * Helpers for behaviour tests. `npm test` provides DATABASE_URL (a superuser on a freshly
 * migrated database) and `<SERVICE>_DATABASE_URL` for each service's own role.
 */
/** The URL with another database of the same server (a tenant moved to a second database). */
function onDatabase(url: string, database?: string): string {
  if (!database) return url;
  const moved = new URL(url);
  moved.pathname = `/${database}`;
  return moved.toString();
}

export function adminDb(database?: string): Sql {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the tests with `npm test`');
  return createDb(onDatabase(url, database), { applicationName: 'eduspry-test-admin', max: 4 });
}

/** The service's own role (RLS applies), on the test database or `database` of the same server. */
export function serviceDb(service: string, database?: string): Sql {
  const variable = `${envPrefix(service)}_DATABASE_URL`;
  const url = process.env[variable];
  if (!url) throw new Error(`${variable} is not set: run the tests with \`npm test\``);
  return createDb(onDatabase(url, database), { applicationName: `eduspry-test-${service}`, max: 4 });
}

export interface TestTenant {
  id: string;
  slug: string;
}

/** A tenant of its own for one test, so tests never share data. */
export async function createTestTenant(admin: Sql, prefix = 'test'): Promise<TestTenant> {
  const slug = `${prefix}-${randomUUID().slice(0, 8)}`;
  const [tenant] = await admin<TestTenant[]>`
    insert into identity.tenants (slug, name) values (${slug}, ${`Test tenant ${slug}`}) returning id, slug`;
  return tenant!;
}

export function claimsFor(
  tenantId: string,
  roles: string[] = ['student'],
  sub: string = randomUUID(),
): TenantClaims {
  return { sub, role: 'authenticated', app_metadata: { tenant_id: tenantId, roles } };
}

/** The kit's problem helpers and the code each throws (problem.ts). */
const KIT_HELPER_CODES: Record<string, string> = {
  badRequest: 'bad-request',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  notFound: 'not-found',
  conflict: 'conflict',
  tooManyRequests: 'rate-limited',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * Every problem code a service's source can answer, with the files that throw it: codes named in
 * `problems.create('…')` / `problems.type('…')` / `problems.is(x, '…')`, in `new HttpProblem(status,
 * '…')`, and the kit helpers (`badRequest(` → bad-request, …).
 */
export function problemCodesIn(srcDir: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (code: string, file: string) => found.set(code, [...(found.get(code) ?? []), file]);
  const patterns = [
    /problems\.(?:create|type)\(\s*'([a-z0-9-]+)'/g,
    /problems\.is\([^,]+,\s*'([a-z0-9-]+)'/g,
    /new HttpProblem\(\s*\d{3},\s*'([a-z0-9-]+)'/g,
  ];
  for (const file of sourceFiles(srcDir)) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) for (const match of text.matchAll(pattern)) add(match[1]!, file);
    for (const [helper, code] of Object.entries(KIT_HELPER_CODES))
      if (new RegExp(`\\b${helper}\\(`).test(text)) add(code, file);
  }
  return found;
}

/**
 * The catalog test every service runs (Fastify's "every error code is documented"): returns what
 * is wrong, so `assert.deepEqual(problemCatalogDrift(...), [])` names each mismatch.
 * - a code thrown in `srcDir` but missing from the catalog;
 * - a catalog code (the kit's included) the README does not list as `` `code` ``.
 */
export function problemCatalogDrift({
  specs,
  srcDir,
  readme,
}: {
  specs: Record<string, { status: number; title: string }>;
  srcDir: string;
  readme: string;
}): string[] {
  const drift: string[] = [];
  for (const [code, files] of problemCodesIn(srcDir))
    if (!(code in specs)) drift.push(`${code} is thrown (${files.join(', ')}) but not in the catalog`);
  const documented = readFileSync(readme, 'utf8');
  for (const code of Object.keys(specs))
    if (!documented.includes(`\`${code}\``)) drift.push(`${code} is in the catalog but not in ${readme}`);
  return drift;
}
