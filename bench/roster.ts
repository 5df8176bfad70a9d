// The roster dry run of a district's Monday morning: a generated OneRoster 1.1 users.csv of 5,000
// students and 200 teachers against a tenant that already has 600 users (100 of them renamed in
// the SIS, 50 missing from the file), through auth-service's HTTP route in its own process. The
// ceiling of the same run: csv-parse reading the same file alone. Then the apply (removals ticked)
// and a check that the database holds exactly what the diff showed.
import { createDb } from '@eduspry/common';
import { parse } from 'csv-parse/sync';
import { hashPassword } from '../services/auth-service/src/domain/passwords.ts';
import { report, serveInChild } from './lib/measure.ts';

const STUDENTS = Number(process.env.BENCH_ROSTER_STUDENTS ?? 5000);
const TEACHERS = 200;
const EXISTING = 600;
const RENAMED = 100;
const MISSING = 50;
const PASSWORD = 'Riverside-Demo-2026';
const servers = new URL('./lib/auth-servers.ts', import.meta.url).pathname;

const admin = createDb(process.env.DATABASE_URL!, { applicationName: 'bench-roster-setup', max: 1 });
const slug = `bench-roster-${Date.now()}`;
const [tenant] = await admin<{ id: string }[]>`
  insert into identity.tenants (slug, name) values (${slug}, 'Bench Roster District') returning id`;
const tenantId = tenant!.id;
await admin`insert into identity.users (tenant_id, email, display_name, password_hash, roles)
  values (${tenantId}, 'it@bench.test', 'District IT', ${await hashPassword(PASSWORD)}, '{tenant_admin}')`;
// The users already there: students s0…s599 of the file (a few renamed since), 50 not in it.
await admin`
  insert into identity.users (tenant_id, email, display_name, roles, status, email_verified_at)
  select ${tenantId}, 'student' || i || '@bench.test', 'Student ' || i || case when i < ${RENAMED} then ' Old' else '' end,
         '{student}', 'active', now()
  from generate_series(0, ${EXISTING - 1}) i`;
await admin`
  insert into identity.users (tenant_id, email, display_name, roles, status, email_verified_at)
  select ${tenantId}, 'gone' || i || '@bench.test', 'Gone ' || i, '{student}', 'active', now()
  from generate_series(0, ${MISSING - 1}) i`;

const header =
  'sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password';
const rows = [header];
for (let i = 0; i < STUDENTS; i++)
  rows.push(
    `stu-${i},active,2026-12-01,true,school-1,student,student${i},,Student,${i},,${100000 + i},student${i}@bench.test,,,,${(i % 12) + 1},`,
  );
for (let i = 0; i < TEACHERS; i++)
  rows.push(
    `tea-${i},active,2026-12-01,true,school-1,teacher,teacher${i},,Teacher,${i},,,teacher${i}@bench.test,,,,,`,
  );
const csv = rows.join('\n');

let started = performance.now();
parse(csv, { bom: true, trim: true, skip_empty_lines: true });
const parseOnlyMs = Math.round(performance.now() - started);

const auth = await serveInChild(servers, ['auth'], {
  ...process.env,
  AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
  MAIL_OUTBOX_DIR: '/tmp/eduspry-bench-mail',
});
const base = `http://127.0.0.1:${auth.port}`;
try {
  const signIn = await fetch(`${base}/token?grant_type=password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: slug, email: 'it@bench.test', password: PASSWORD }),
  });
  if (!signIn.ok) throw new Error(`sign-in failed: ${signIn.status} ${await signIn.text()}`);
  const headers = {
    authorization: `Bearer ${((await signIn.json()) as { access_token: string }).access_token}`,
    'content-type': 'application/json',
  };

  started = performance.now();
  const dryRun = await fetch(`${base}/tenants/${tenantId}/roster-imports`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ users: csv }),
  });
  const dryRunMs = Math.round(performance.now() - started);
  if (dryRun.status !== 201) throw new Error(`dry run failed: ${dryRun.status} ${await dryRun.text()}`);
  const shown = (await dryRun.json()) as { id: string; hash: string; counts: Record<string, number> };

  // Every entry of the diff, a page at a time, as the portal reads them.
  const all = async (list: string) => {
    const items: { email: string; userId?: string; displayName?: string; after?: { displayName: string } }[] =
      [];
    for (let offset = 0; ; offset += 500) {
      const page = (await (
        await fetch(
          `${base}/tenants/${tenantId}/roster-imports/${shown.id}?list=${list}&limit=500&offset=${offset}`,
          {
            headers,
          },
        )
      ).json()) as { items: typeof items; total: number };
      items.push(...page.items);
      if (items.length >= page.total) return items;
    }
  };
  const [creates, changes, removals] = [await all('creates'), await all('changes'), await all('removals')];

  started = performance.now();
  const applied = await fetch(`${base}/tenants/${tenantId}/roster-imports/${shown.id}/apply`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ hash: shown.hash, remove: true }),
  });
  const applyMs = Math.round(performance.now() - started);
  if (applied.status !== 200) throw new Error(`apply failed: ${applied.status} ${await applied.text()}`);

  // The database after, against the diff before: every create, change and removal, and nothing else.
  const users = await admin<{ id: string; email: string; display_name: string; status: string }[]>`
    select id, email, display_name, status from identity.users where tenant_id = ${tenantId}`;
  const byEmail = new Map(users.map((u) => [u.email, u]));
  const byId = new Map(users.map((u) => [u.id, u]));
  const mismatches = [
    ...creates.filter((c) => byEmail.get(c.email)?.display_name !== c.displayName),
    ...changes.filter((c) => byId.get(c.userId!)?.display_name !== c.after!.displayName),
    ...removals.filter((r) => byId.get(r.userId!)?.status !== 'deactivated'),
  ].length;
  const expectedTotal = 1 + EXISTING + MISSING + creates.length;

  report({
    benchmark: 'roster',
    ceiling: 'csv-parse/sync of the same users.csv alone, same process run',
    students: STUDENTS,
    teachers: TEACHERS,
    fileBytes: Buffer.byteLength(csv),
    counts: shown.counts,
    parseOnlyMs,
    dryRunMs,
    applyMs,
    dryRunVsParse: Math.round((dryRunMs / Math.max(1, parseOnlyMs)) * 10) / 10,
    diffMatchesDatabase: mismatches === 0 && users.length === expectedTotal,
    goal: 'dry run < 10,000 ms',
    met: dryRunMs < 10_000,
  });
} finally {
  await auth.stop();
  await admin.end();
}
