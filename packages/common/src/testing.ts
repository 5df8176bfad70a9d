import { randomUUID } from 'node:crypto';
import { createDb, type Sql, type TenantClaims } from './db.ts';

/**
 * Helpers for behaviour tests. `npm test` provides DATABASE_URL (a superuser on a freshly
 * migrated database) and `<SERVICE>_DATABASE_URL` for each service's own role.
 */
export function adminDb(): Sql {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the tests with `npm test`');
  return createDb(url, { applicationName: 'eduspry-test-admin', max: 4 });
}

export function serviceDb(service: string): Sql {
  const variable = `${service.toUpperCase().replaceAll('-', '_')}_DATABASE_URL`;
  const url = process.env[variable];
  if (!url) throw new Error(`${variable} is not set: run the tests with \`npm test\``);
  return createDb(url, { applicationName: `eduspry-test-${service}`, max: 4 });
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
