// `npm run new:service <name> [-- --port 4007 --root <dir> --migration <14 digits>]`: a new
// service in the house shape (the root README's map): config, app, main, problems, routes →
// domain (access, rules, use cases) → db, a behaviour test against real Postgres, README,
// Dockerfile placeholder, a migration with its schema, role and RLS, and its PLATFORM entry.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

export interface NewService {
  /** `content-service` */
  name: string;
  /** `content`: schema, and the stem of the role `content_service` */
  schema: string;
  port: number;
  /** 14-digit migration version */
  migration: string;
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Normalises `content` or `content-service`, and refuses what is not a kebab-case name. */
export function serviceName(input: string): { name: string; schema: string } {
  const stem = input.replace(/-service$/, '');
  if (!NAME.test(stem)) throw new Error(`${input}: a service name is kebab-case, e.g. content-service`);
  return { name: `${stem}-service`, schema: stem.replaceAll('-', '_') };
}

const pascal = (schema: string) =>
  schema
    .split('_')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');

/** Every file of the new service, relative to the repository root. */
export function serviceFiles({ name, schema, port, migration }: NewService): Record<string, string> {
  const role = `${schema}_service`;
  const Service = pascal(schema);
  const dir = `services/${name}`;
  return {
    [`${dir}/package.json`]: `${JSON.stringify(
      {
        name: `@eduspry/${name}`,
        version: '0.1.0',
        private: true,
        type: 'module',
        description: `${Service}: TODO say what it owns`,
        scripts: { start: 'node src/main.ts' },
        dependencies: {
          '@eduspry/common': '*',
          '@eduspry/contracts': '*',
          '@eduspry/logging': '*',
          typebox: '^1.4.3',
        },
      },
      null,
      2,
    )}\n`,
    [`${dir}/Dockerfile`]: `# Placeholder: the lead adds the service Dockerfiles after merging (see services/*/Dockerfile).\n`,
    [`${dir}/README.md`]: `# ${name}

Owns the \`${schema}\` schema (role \`${role}\`). TODO: what it owns, in two lines.

Port \`PORT\` (${port}). Tokens are checked against auth-service's JWKS (\`AUTH_SERVICE_URL\`),
\`AUTH_ISSUER\` and \`AUTH_AUDIENCE\`. OpenAPI at \`/docs\` and \`/openapi.json\`.

## Where things live

\`src/routes/*.ts\` transport only (schema, one use case, the reply) → \`src/domain/*.ts\` use cases
(\`requireAccess\` first, then \`withTenant\`) → \`src/db/*.ts\` SQL only; pure rules in
\`src/domain/rules.ts\`; permissions in \`src/domain/access.ts\`; problem codes in \`src/problems.ts\`.

## Routes

| route               | who                         | what                    |
| ------------------- | --------------------------- | ----------------------- |
| \`GET /notes\`        | any signed-in user          | the tenant's notes      |
| \`POST /notes\`       | instructors, tenant admins  | add one (title unique)  |
| \`GET /notes/:noteId\`| any signed-in user          | one note                |

## Events

None yet. A new event type gets an Avro schema in packages/contracts/schemas whose \`doc\` ends
"Key: … Trigger: … Producer: ${name} (${schema}.outbox)." and is written through the outbox.

## Problems

| code                     | status | title                  | when                                          |
| ------------------------ | ------ | ---------------------- | --------------------------------------------- |
| \`bad-request\`            | 400    | Bad Request            | input a schema cannot express                 |
| \`validation\`             | 400    | Invalid request        | the request does not match its schema         |
| \`unauthorized\`           | 401    | Unauthorized           | no valid bearer token                         |
| \`forbidden\`              | 403    | Forbidden              | the caller lacks the permission               |
| \`not-found\`              | 404    | Not Found              | no such thing, or one the caller may not see  |
| \`conflict\`               | 409    | Conflict               | the change clashes with existing state        |
| \`note-title-taken\`       | 409    | Conflict               | a note of the tenant already has that title   |
| \`payload-too-large\`      | 413    | Payload Too Large      | the body exceeds the route limit              |
| \`request-timeout\`        | 408    | Request Timeout        | the request arrived too slowly (the kit)      |
| \`uri-too-long\`           | 414    | URI Too Long           | a path parameter over the limit (the kit)     |
| \`headers-too-large\`      | 431    | Request Header Fields Too Large | request headers over the limit (the kit) |
| \`unsupported-media-type\` | 415    | Unsupported Media Type | a content type the route does not take        |
| \`rate-limited\`           | 429    | Too Many Requests      | too many requests                             |
| \`internal\`               | 500    | Internal Server Error  | a bug, logged with the request id             |
| \`auth-unavailable\`       | 503    | Service Unavailable    | the token keys cannot be fetched right now    |

## Tests

\`npm test -- 'services/${name}/test/*.test.ts'\`
`,
    [`${dir}/src/config.ts`]: `import { BaseConfig, loadConfig } from '@eduspry/common';
import { type Static, Type } from 'typebox';

export const ${Service}Config = Type.Object({
  ...BaseConfig,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: ${port} }),
  /** auth-service, whose JWKS verifies bearer tokens; \`npm start\` sets it. */
  AUTH_SERVICE_URL: Type.String({ default: 'http://127.0.0.1:4001', pattern: '^https?://' }),
  AUTH_ISSUER: Type.String({ default: 'http://127.0.0.1:4001', pattern: '^https?://' }),
  AUTH_AUDIENCE: Type.String({ default: 'eduspry', minLength: 1 }),
});
export type ${Service}Config = Static<typeof ${Service}Config>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): ${Service}Config =>
  loadConfig(${Service}Config, env);
`,
    [`${dir}/src/app.ts`]: `import { createServiceApp, type ServiceApp, type TokenVerifier, useTokenVerifier } from '@eduspry/common';
import type { Logger } from '@eduspry/logging';
import type { ${Service}Context } from './domain/context.ts';
import { noteRoutes } from './routes/notes.ts';

export interface ${Service}Deps extends ${Service}Context {
  tokenVerifier: TokenVerifier;
  logger?: Logger;
}

/** Wires ${name}'s HTTP API; no I/O happens here beyond what the routes do per request. */
export async function buildApp({ sql, tokenVerifier, logger }: ${Service}Deps): Promise<ServiceApp> {
  const app = await createServiceApp({
    name: '${name}',
    description: '${Service}: TODO say what it owns',
    ...(logger ? { logger } : {}),
    readiness: { postgres: () => sql\`select 1\` },
  });
  useTokenVerifier(app, tokenVerifier);
  await app.register(noteRoutes, { ctx: { sql } });
  return app;
}
`,
    [`${dir}/src/main.ts`]: `import '@eduspry/common/telemetry-register';
import { createDb, createTokenVerifier, runService } from '@eduspry/common';
import { createLogger } from '@eduspry/logging';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';

let config: ReturnType<typeof readConfig>;
await runService(
  () => {
    config = readConfig();
    return { name: '${name}', host: config.HOST, port: config.PORT };
  },
  async () => {
    const logger = createLogger({ service: '${name}', level: config.LOG_LEVEL, environment: config.NODE_ENV });
    const sql = createDb(config.DATABASE_URL, { applicationName: '${name}' });
    await sql\`select 1\`;
    const tokenVerifier = createTokenVerifier({
      jwksUrl: new URL('/.well-known/jwks.json', config.AUTH_SERVICE_URL),
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
    });
    const app = await buildApp({ sql, tokenVerifier, logger });
    return { app, close: () => sql.end({ timeout: 5 }) };
  },
);
`,
    [`${dir}/src/problems.ts`]: `import { defineProblems } from '@eduspry/common';

/** Every problem code ${name} answers (the kit's included); the README lists them all. */
export const problems = defineProblems({
  'note-title-taken': { status: 409, title: 'Conflict' },
});
`,
    [`${dir}/src/routes/notes.ts`]: `import { errors, requireUser, type ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import type { ${Service}Context } from '../domain/context.ts';
import { addNote, getNote, listNotes } from '../domain/notes.ts';

const Uuid = Type.String({ format: 'uuid' });
const Note = Type.Object({ id: Uuid, title: Type.String(), createdBy: Uuid, createdAt: Type.String() });
const security = [{ bearerAuth: [] }];

/** Transport only: schema, one use case, the reply. */
export async function noteRoutes(app: ServiceApp, { ctx }: { ctx: ${Service}Context }): Promise<void> {
  app.get(
    '/notes',
    { schema: { summary: "The tenant's notes", security, response: { 200: Type.Array(Note), ...errors(401) } } },
    async (request) => listNotes(ctx, await requireUser(request)),
  );
  app.post(
    '/notes',
    {
      schema: {
        summary: 'Add a note (instructors and tenant admins)',
        security,
        body: Type.Object({ title: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 201: Note, ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await addNote(ctx, await requireUser(request), request.body)),
  );
  app.get(
    '/notes/:noteId',
    {
      schema: {
        summary: 'One note',
        security,
        params: Type.Object({ noteId: Uuid }),
        response: { 200: Note, ...errors(400, 401, 404) },
      },
    },
    async (request) => getNote(ctx, await requireUser(request), request.params.noteId),
  );
}
`,
    [`${dir}/src/domain/context.ts`]: `import type { Sql } from '@eduspry/common';

/** What every ${name} use case needs. */
export interface ${Service}Context {
  sql: Sql;
}
`,
    [`${dir}/src/domain/access.ts`]: `import type { TenantClaims, Tx } from '@eduspry/common';
import { mayTeach } from '@eduspry/contracts';
import { problems } from '../problems.ts';

/** Everything a caller may be allowed to do in ${name}; every use case starts with requireAccess. */
export type Permission = 'note:read' | 'note:create';

const denials: Record<Permission, string> = {
  'note:read': 'You may not read notes',
  'note:create': 'Only instructors and tenant admins add notes',
};

export function may(claims: TenantClaims, permission: Permission): boolean {
  switch (permission) {
    case 'note:read':
      return true;
    case 'note:create':
      return mayTeach(claims);
  }
}

/**
 * The first call of every use case. \`tx\` is there for checks that must read a row (the note's
 * course, its owner); RLS stays the floor underneath either way.
 */
export async function requireAccess(
  _tx: Tx | undefined,
  claims: TenantClaims,
  permission: Permission,
  _ids: Record<string, string> = {},
): Promise<void> {
  if (!may(claims, permission)) throw problems.create('forbidden', denials[permission]);
}
`,
    [`${dir}/src/domain/rules.ts`]: `/** Pure rules of ${name}: no I/O, each testable on its own. */

/** Titles compare without case or surrounding space: "Week 1" and " week 1" are the same note. */
export const titleKey = (title: string): string => title.trim().toLowerCase();
`,
    [`${dir}/src/domain/notes.ts`]: `import { type TenantClaims, withTenant } from '@eduspry/common';
import { findNote, insertNote, listNotesOfTenant, type NoteRow } from '../db/notes.ts';
import { problems } from '../problems.ts';
import { requireAccess } from './access.ts';
import type { ${Service}Context } from './context.ts';
import { titleKey } from './rules.ts';

const view = (row: NoteRow) => ({ ...row, createdAt: row.createdAt.toISOString() });

export function listNotes(ctx: ${Service}Context, claims: TenantClaims) {
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'note:read');
    return (await listNotesOfTenant(tx, claims.app_metadata.tenant_id)).map(view);
  });
}

export function addNote(ctx: ${Service}Context, claims: TenantClaims, input: { title: string }) {
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'note:create');
    const row = await insertNote(tx, {
      tenantId: claims.app_metadata.tenant_id,
      title: input.title.trim(),
      titleKey: titleKey(input.title),
      createdBy: claims.sub,
    });
    if (!row) throw problems.create('note-title-taken', \`A note titled \${input.title} already exists\`);
    return view(row);
  });
}

export function getNote(ctx: ${Service}Context, claims: TenantClaims, noteId: string) {
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'note:read', { noteId });
    const row = await findNote(tx, noteId);
    if (!row) throw problems.create('not-found', \`No note \${noteId}\`);
    return view(row);
  });
}
`,
    [`${dir}/src/db/notes.ts`]: `import type { Tx } from '@eduspry/common';

/** SQL only; tenancy is RLS's job, and the queries still name the tenant so indexes apply. */
export interface NoteRow {
  id: string;
  title: string;
  createdBy: string;
  createdAt: Date;
}

const columns = (tx: Tx) => tx\`id, title, created_by as "createdBy", created_at as "createdAt"\`;

export function listNotesOfTenant(tx: Tx, tenantId: string): Promise<NoteRow[]> {
  return tx<NoteRow[]>\`select \${columns(tx)} from ${schema}.notes where tenant_id = \${tenantId} order by title, id\`;
}

export async function findNote(tx: Tx, noteId: string): Promise<NoteRow | undefined> {
  const [row] = await tx<NoteRow[]>\`select \${columns(tx)} from ${schema}.notes where id = \${noteId}\`;
  return row;
}

export async function insertNote(
  tx: Tx,
  note: { tenantId: string; title: string; titleKey: string; createdBy: string },
): Promise<NoteRow | undefined> {
  const [row] = await tx<NoteRow[]>\`
    insert into ${schema}.notes (tenant_id, title, title_key, created_by)
    values (\${note.tenantId}, \${note.title}, \${note.titleKey}, \${note.createdBy})
    on conflict (tenant_id, title_key) do nothing
    returning \${columns(tx)}\`;
  return row;
}
`,
    [`${dir}/test/notes.test.ts`]: `import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createTokenVerifier, type ServiceApp, type Sql } from '@eduspry/common';
import { adminDb, createTestTenant, serviceDb } from '@eduspry/common/testing';
import { generateKeyPair, SignJWT } from 'jose';
import { buildApp } from '../src/app.ts';

const ISSUER = 'http://auth.test';
const keys = await generateKeyPair('EdDSA');
const tokenFor = (tenantId: string, roles: string[]) =>
  new SignJWT({ role: 'authenticated', app_metadata: { tenant_id: tenantId, roles } })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setSubject(randomUUID())
    .setIssuer(ISSUER)
    .setAudience('eduspry')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(keys.privateKey);

let admin: Sql;
let sql: Sql;
let app: ServiceApp;
before(async () => {
  admin = adminDb();
  sql = serviceDb('${name}');
  const tokenVerifier = createTokenVerifier({ getKey: async () => keys.publicKey, issuer: ISSUER, audience: 'eduspry' });
  app = await buildApp({ sql, tokenVerifier });
});
after(async () => {
  await app.close();
  await Promise.all([admin.end(), sql.end()]);
});

const call = async (token: string, method: 'GET' | 'POST', url: string, payload?: unknown) => {
  const response = await app.inject({ method, url, headers: { authorization: \`Bearer \${token}\` }, ...(payload ? { payload: payload as never } : {}) });
  return { status: response.statusCode, body: response.json() };
};

test('an instructor adds a note its tenant sees; a student may not add one; titles are unique per tenant', async () => {
  const tenant = await createTestTenant(admin, '${schema}');
  const instructor = await tokenFor(tenant.id, ['instructor']);
  const student = await tokenFor(tenant.id, ['student']);
  const added = await call(instructor, 'POST', '/notes', { title: 'Week 1' });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  assert.equal((await call(student, 'GET', \`/notes/\${added.body.id}\`)).body.title, 'Week 1');
  assert.equal((await call(student, 'POST', '/notes', { title: 'Mine' })).status, 403);
  const again = await call(instructor, 'POST', '/notes', { title: ' week 1 ' });
  assert.equal(again.status, 409);
  assert.equal(again.body.type, 'https://eduspry.dev/problems/note-title-taken');
});

test("another tenant's note is a 404, never its data (RLS)", async () => {
  const [a, b] = await Promise.all([createTestTenant(admin, '${schema}'), createTestTenant(admin, '${schema}')]);
  const note = await call(await tokenFor(a.id, ['instructor']), 'POST', '/notes', { title: 'Secret' });
  const other = await tokenFor(b.id, ['tenant_admin']);
  assert.equal((await call(other, 'GET', \`/notes/\${note.body.id}\`)).status, 404);
  assert.deepEqual((await call(other, 'GET', '/notes')).body, []);
});
`,
    [`${dir}/test/problems.test.ts`]: `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { problemCatalogDrift } from '@eduspry/common/testing';
import { problems } from '../src/problems.ts';

test('every problem code the service throws is in its catalog, and every catalog code in its README', () => {
  const drift = problemCatalogDrift({
    specs: problems.specs,
    srcDir: new URL('../src', import.meta.url).pathname,
    readme: new URL('../README.md', import.meta.url).pathname,
  });
  assert.deepEqual(drift, []);
});
`,
    [`supabase/migrations/${migration}_${schema}_service.sql`]: `-- ${schema}: owned by ${name}. Its schema, its login-less role (a member of \`authenticated\`, as
-- every service's) and its tables, each tenant-owned one under RLS (eduspry.protect_tenant_table).
insert into eduspry.services (schema_name, role_name) values ('${schema}', '${role}') on conflict do nothing;

do $$
begin
  if not exists (select 1 from pg_roles where rolname = '${role}') then
    create role ${role} nologin noinherit;
  end if;
end
$$;
create schema if not exists ${schema};
revoke all on schema ${schema} from public;
grant usage on schema ${schema} to ${role}, authenticated;
grant authenticated to ${role};
alter role ${role} set search_path = ${schema}, public;

create table ${schema}.notes (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  title text not null check (length(title) between 1 and 200),
  title_key text not null,
  created_by uuid not null,
  created_at timestamptz not null default now(),
  unique (tenant_id, title_key)
);
select eduspry.protect_tenant_table('${schema}.notes', '${role}');
`,
  };
}

/** The PLATFORM list with the new service's entry added before the web app. */
export function withPlatformEntry(platformTs: string, { name, port }: NewService): string {
  if (platformTs.includes(`name: '${name}'`)) throw new Error(`${name} is already in the PLATFORM list`);
  const entry = `  {\n    name: '${name}',\n    dir: 'services/${name}',\n    port: ${port},\n    main: 'src/main.ts',\n    database: true,\n  },\n`;
  const at = platformTs.indexOf("  {\n    name: 'web-app',");
  if (at < 0) throw new Error('scripts/lib/platform.ts: no web-app entry to add the service before');
  return platformTs.slice(0, at) + entry + platformTs.slice(at);
}

export function createService(root: string, service: NewService): string[] {
  const dir = join(root, 'services', service.name);
  if (existsSync(dir)) throw new Error(`${dir} already exists`);
  const files = serviceFiles(service);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const platform = join(root, 'scripts/lib/platform.ts');
  writeFileSync(platform, withPlatformEntry(readFileSync(platform, 'utf8'), service));
  return [...Object.keys(files), 'scripts/lib/platform.ts'];
}

function nowVersion(): string {
  return new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { port: { type: 'string' }, root: { type: 'string' }, migration: { type: 'string' } },
  });
  try {
    if (positionals.length !== 1) throw new Error('usage: npm run new:service <name> [-- --port 4007]');
    const { name, schema } = serviceName(positionals[0]!);
    const root = values.root ?? new URL('..', import.meta.url).pathname;
    const taken = [
      ...readFileSync(join(root, 'scripts/lib/platform.ts'), 'utf8').matchAll(/port: (\d+)/g),
    ].map((match) => Number(match[1]));
    const port = values.port ? Number(values.port) : Math.max(4000, ...taken.filter((p) => p < 5000)) + 1;
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new Error(`--port ${values.port} is not a port`);
    const migration = values.migration ?? nowVersion();
    if (!/^\d{14}$/.test(migration)) throw new Error('--migration is 14 digits (YYYYMMDDHHMMSS)');
    const written = createService(root, { name, schema, port, migration });
    // The house format, so `npm run check` is clean from the first commit.
    spawnSync(
      process.execPath,
      [join(root, 'node_modules/@biomejs/biome/bin/biome'), 'check', '--write', `services/${name}`],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    console.log(`created ${name} on port ${port}:\n  ${written.join('\n  ')}`);
    console.log(`next: npm install (links the workspace), npm test -- services/${name}/test/*.test.ts`);
  } catch (error) {
    console.error(`new:service: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
