// The paths production takes, run for real: each service as its own process started by its
// main.ts, auth-service with AUTH_KEY_ENCRYPTION_SECRET (keys and IdP secrets sealed at rest),
// course-service and logging-service trusting auth-service's real tokens through its JWKS, a
// request in flight when SIGTERM arrives, and one line (exit 1) for bad configuration from
// every service of the process list. On a scratch database, so no other test's keys exist.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createDb, envPrefix, type Sql } from '@eduspry/common';
import { hashPassword } from '../../services/auth-service/src/domain/passwords.ts';
import {
  createDatabaseIfMissing,
  dropDatabase,
  freePort,
  migrateDatabase,
  ROOT,
  withDatabase,
} from '../lib/database.ts';
import { PLATFORM } from '../lib/platform.ts';
import { type Child, startChild, stopChildren, waitUntilReady } from '../lib/processes.ts';

const SERVICES = PLATFORM.filter((entry) => entry.dir.startsWith('services/'));

/** Runs a service's main.ts with `env` and returns its exit code and what it printed to stderr. */
async function runToExit(entry: (typeof SERVICES)[number], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [entry.main], {
    cwd: join(ROOT, entry.dir),
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const [code] = await once(child, 'exit');
  clearTimeout(timer);
  return { code, lines: stderr.trim().split('\n') };
}

describe('bad configuration ends every service with exit code 1 and one line naming the cause', () => {
  for (const entry of SERVICES) {
    const own = async () => ({
      DATABASE_URL: process.env[`${envPrefix(entry.name)}_DATABASE_URL`] ?? process.env.DATABASE_URL,
      ...Object.fromEntries(
        (entry.secrets ?? []).map((name) => [name, randomBytes(32).toString('base64url')]),
      ),
      ...(entry.grpcPort ? { [`${envPrefix(entry.name)}_GRPC_PORT`]: String(await freePort()) } : {}),
    });
    test(`${entry.name}: a port that is no number`, async () => {
      const { code, lines } = await runToExit(entry, { ...(await own()), PORT: 'forty-two' });
      assert.equal(code, 1);
      assert.equal(lines.length, 1, lines.join('\n'));
      assert.match(lines[0]!, /PORT/);
    });
    test(`${entry.name}: a port already taken`, async () => {
      const blocker = createServer().listen(0, '127.0.0.1');
      await once(blocker, 'listening');
      const { port } = blocker.address() as { port: number };
      try {
        const { code, lines } = await runToExit(entry, {
          ...(await own()),
          PORT: String(port),
          HOST: '127.0.0.1',
        });
        assert.equal(code, 1);
        assert.equal(lines.length, 1, lines.join('\n'));
        assert.match(lines[0]!, new RegExp(`port ${port}.*already in use`));
      } finally {
        blocker.close();
      }
    });
  }
});

describe('production paths against real processes', () => {
  const scratch = `prod_paths_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const adminUrl = withDatabase(process.env.DATABASE_URL!, scratch);
  const urlOf = (service: string) =>
    withDatabase(process.env[`${envPrefix(service)}_DATABASE_URL`]!, scratch);
  const SECRET = randomBytes(32).toString('base64url');
  const children: Child[] = [];
  let admin: Sql;
  let authUrl: string;
  let courseUrl: string;
  let loggingUrl: string;
  let course: Child;
  let token: string;
  let tenantId: string;

  const start = async (name: string, env: NodeJS.ProcessEnv) => {
    const entry = SERVICES.find((candidate) => candidate.name === name)!;
    const port = await freePort();
    const child = startChild(
      name,
      join(ROOT, entry.dir),
      entry.main,
      {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        DATABASE_URL: urlOf(name),
        AUTH_SERVICE_URL: authUrl,
        AUTH_ISSUER: authUrl,
        ...env,
      },
      16,
    );
    children.push(child);
    const url = `http://127.0.0.1:${port}`;
    await waitUntilReady(`${url}/ready`, child, 30_000);
    return { url, child };
  };

  before(async () => {
    await createDatabaseIfMissing(process.env.DATABASE_URL!, scratch);
    await migrateDatabase(adminUrl);
    admin = createDb(adminUrl, { applicationName: 'production-paths-test', max: 4 });
    const authPort = await freePort();
    authUrl = `http://127.0.0.1:${authPort}`;
    const entry = SERVICES.find((candidate) => candidate.name === 'auth-service')!;
    const auth = startChild(
      'auth-service',
      join(ROOT, entry.dir),
      entry.main,
      {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        PORT: String(authPort),
        DATABASE_URL: urlOf('auth-service'),
        AUTH_ISSUER: authUrl,
        AUTH_KEY_ENCRYPTION_SECRET: SECRET,
      },
      16,
    );
    children.push(auth);
    await waitUntilReady(`${authUrl}/ready`, auth, 30_000);
    ({ url: courseUrl, child: course } = await start('course-service', {
      COURSE_SERVICE_GRPC_PORT: String(await freePort()),
    }));
    ({ url: loggingUrl } = await start('logging-service', {}));

    const slug = `prod-${randomUUID().slice(0, 8)}`;
    [{ id: tenantId }] = await admin<[{ id: string }]>`
      insert into identity.tenants (slug, name) values (${slug}, 'Production paths') returning id`;
    const email = `admin-${randomUUID().slice(0, 8)}@example.test`;
    await admin`
      insert into identity.users (tenant_id, email, display_name, password_hash, roles, status, email_verified_at)
      values (${tenantId}, ${email}, 'Admin', ${await hashPassword('Production-Path-2026')},
              ${['tenant_admin']}, 'active', now())`;
    const signedIn = await fetch(`${authUrl}/token?grant_type=password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: slug, email, password: 'Production-Path-2026' }),
    });
    assert.equal(signedIn.status, 200, await signedIn.clone().text());
    token = ((await signedIn.json()) as { access_token: string }).access_token;
  });

  after(async () => {
    await stopChildren(children, 5000);
    await admin?.end();
    await dropDatabase(process.env.DATABASE_URL!, scratch);
  });

  const call = (url: string, method = 'GET', body?: unknown) =>
    fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  test('auth-service seals its signing keys and IdP client secrets under AUTH_KEY_ENCRYPTION_SECRET', async () => {
    const keys = await admin<{ private_jwk: string }[]>`select private_jwk from identity.signing_keys`;
    assert.ok(keys.length >= 1, 'a key was made and used');
    for (const key of keys) {
      assert.match(key.private_jwk, /^v1\./, 'sealed, never plain');
      assert.doesNotMatch(key.private_jwk, /"d"/);
    }
    const secret = `client-secret-${randomUUID()}`;
    const configured = await call(`${authUrl}/tenants/${tenantId}/identity-providers/district-sso`, 'PUT', {
      issuer: 'https://sso.example.org',
      client_id: 'eduspry',
      client_secret: secret,
    });
    assert.equal(configured.status, 200, await configured.text());
    const [provider] = await admin<[{ client_secret: string }]>`
      select client_secret from identity.oidc_providers where tenant_id = ${tenantId}`;
    assert.match(provider.client_secret, /^v1\./);
    assert.ok(!provider.client_secret.includes(secret), 'the secret is not stored readable');
  });

  test('course-service and logging-service accept auth-service’s real tokens and refuse forged ones', async () => {
    assert.equal((await call(`${courseUrl}/courses`)).status, 200);
    assert.equal((await call(`${loggingUrl}/logs?limit=1`)).status, 200);
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    for (const url of [`${courseUrl}/courses`, `${loggingUrl}/logs?limit=1`]) {
      const refused = await fetch(url, { headers: { authorization: `Bearer ${forged}` } });
      assert.equal(refused.status, 401, url);
    }
  });

  test('SIGTERM lets a request in flight finish, then the process exits 0', async () => {
    const created = await call(`${courseUrl}/courses`, 'POST', { code: 'SLOW-1', title: 'In flight' });
    assert.equal(created.status, 201, await created.clone().text());
    const { id } = (await created.json()) as { id: string };
    // Hold the course row so the change waits in the database, then ask the service to stop.
    const lock = await admin.reserve();
    try {
      await lock`begin`;
      await lock`select id from course.courses where id = ${id} for update`;
      const inFlight = call(`${courseUrl}/courses/${id}`, 'PATCH', { title: 'Finished after SIGTERM' });
      await new Promise((resolve) => setTimeout(resolve, 500));
      course.process.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(course.process.exitCode, null, 'still finishing the request');
      await lock`commit`;
      const response = await inFlight;
      assert.equal(response.status, 200, await response.clone().text());
      assert.equal(((await response.json()) as { title: string }).title, 'Finished after SIGTERM');
    } finally {
      lock.release();
    }
    assert.equal(await course.exited, 0);
  });
});
