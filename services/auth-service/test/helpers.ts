import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis, ServiceApp, Sql } from '@eduspry/common';
import { adminDb, createTestTenant, serviceDb } from '@eduspry/common/testing';
import { buildApp } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { hashPassword } from '../src/domain/passwords.ts';

export const PASSWORD = 'Riverside-Demo-2026';

export interface Harness {
  app: ServiceApp;
  admin: Sql;
  sql: Sql;
  mailDir: string;
  close(): Promise<void>;
}

/**
 * The service as `npm start` builds it, on the test database as its own role, mail into a temp
 * folder. Without AUTH_KEY_ENCRYPTION_SECRET, like `npm start`: the signing keys table is shared
 * by every test file (and the api-gateway's tests), so all must read the keys the same way.
 */
export async function startAuth(
  env: Record<string, string> = {},
  { redis }: { redis?: Redis | undefined } = {},
): Promise<Harness> {
  const admin = adminDb();
  const sql = serviceDb('auth-service');
  const mailDir = await mkdtemp(join(tmpdir(), 'eduspry-mail-'));
  const config = readConfig({
    NODE_ENV: 'test',
    DATABASE_URL: process.env.AUTH_SERVICE_DATABASE_URL,
    MAIL_OUTBOX_DIR: mailDir,
    AUTH_RATE_LIMIT_PER_MINUTE: '1000',
    ...env,
  });
  const app = await buildApp({ sql, config, ...(redis ? { redis } : {}) });
  return {
    app,
    admin,
    sql,
    mailDir,
    async close() {
      await app.close();
      await sql.end();
      await admin.end();
      await rm(mailDir, { recursive: true, force: true });
    },
  };
}

export interface TestUser {
  id: string;
  email: string;
}

export async function createUser(
  admin: Sql,
  tenantId: string,
  roles: string[] = ['student'],
  options: { status?: string; email?: string } = {},
): Promise<TestUser> {
  const email = options.email ?? `${roles[0]}-${randomUUID().slice(0, 8)}@example.test`;
  const [user] = await admin<TestUser[]>`
    insert into identity.users (tenant_id, email, display_name, password_hash, roles, status, email_verified_at)
    values (${tenantId}, ${email}, ${`User ${email}`}, ${await hashPassword(PASSWORD)}, ${roles},
            ${options.status ?? 'active'}, now())
    returning id, email`;
  return user!;
}

export interface World {
  tenant: { id: string; slug: string };
  adminUser: TestUser;
  student: TestUser;
}

/** A tenant of the test's own with an admin and a student. */
export async function createWorld(admin: Sql, prefix = 'auth'): Promise<World> {
  const tenant = await createTestTenant(admin, prefix);
  const [adminUser, student] = await Promise.all([
    createUser(admin, tenant.id, ['tenant_admin']),
    createUser(admin, tenant.id, ['student']),
  ]);
  return { tenant, adminUser: adminUser!, student: student! };
}

export async function signIn(app: ServiceApp, tenant: string, email: string, password = PASSWORD) {
  return app.inject({
    method: 'POST',
    url: '/token?grant_type=password',
    payload: { tenant, email, password },
  });
}

/** Signs in and returns the token response, failing loudly if sign-in fails. */
export async function tokensFor(app: ServiceApp, tenant: string, email: string) {
  const response = await signIn(app, tenant, email);
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  return response.json() as { access_token: string; refresh_token: string; user: { id: string } };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Mails the local outbox received for `to`, oldest first. */
export async function mailsTo(
  dir: string,
  to: string,
): Promise<{ kind: string; subject: string; data: { token: string; link: string } }[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.json')).sort();
  const mails = await Promise.all(
    files.map(async (file) => JSON.parse(await readFile(join(dir, file), 'utf8'))),
  );
  return mails.filter((mail) => mail.to === to);
}

/** Events the tenant's changes wrote to identity.outbox, oldest first. */
export async function outboxEvents(admin: Sql, tenantId: string) {
  return admin<{ event_type: string; key: string; payload: { data: Record<string, unknown> } }[]>`
    select event_type, key, payload from identity.outbox where tenant_id = ${tenantId} order by id`;
}
