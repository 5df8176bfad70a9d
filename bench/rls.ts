// What tenant isolation costs: the same indexed tenant-scoped read, once on the plain
// service connection and once inside withTenant (transaction + claims + SET ROLE → RLS),
// over 100k courses across 50 tenants. pgbench runs both in the same run as the database's
// own ceiling: the tenant transaction pipelined with one Sync (`\startpipeline`), which is
// the least any client can send for it, and postgres.js cannot (it ends every statement with one).
import { randomUUID } from 'node:crypto';
import { createDb, withTenant } from '@eduspry/common';
import { claimsFor } from '@eduspry/common/testing';
import { DURATION, pgbench, ratio, report } from './lib/measure.ts';

const TENANTS = 50;
const PER_TENANT = 2000;
const CONCURRENCY = 8;

const admin = createDb(process.env.DATABASE_URL!, { applicationName: 'bench-rls-setup', max: 1 });
const service = createDb(process.env.COURSE_SERVICE_DATABASE_URL!, {
  applicationName: 'bench-rls',
  max: CONCURRENCY,
});
const tenants = Array.from({ length: TENANTS }, () => randomUUID());
await admin`
  insert into course.courses (tenant_id, code, title, state)
  select t.id, 'C-' || n, 'Course ' || n, 'published'
  from unnest(${tenants}::uuid[]) as t(id), generate_series(1, ${PER_TENANT}) as n`;
// Vacuumed now rather than by autovacuum during one of the two measurements.
await admin`vacuum analyze course.courses`;
await admin.end();

type Read = (tenant: string, code: string) => Promise<unknown>;

const plain: Read = (tenant, code) =>
  service`select id, code, title from course.courses where tenant_id = ${tenant} and code = ${code}`;
const scoped: Read = (tenant, code) =>
  withTenant(
    service,
    claimsFor(tenant),
    (tx) => tx`select id, code, title from course.courses where tenant_id = ${tenant} and code = ${code}`,
  );

async function measure(read: Read, seconds: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      let i = worker;
      while (performance.now() < deadline) {
        const rows = (await read(tenants[i % TENANTS]!, `C-${(i % PER_TENANT) + 1}`)) as unknown[];
        if (rows.length !== 1) throw new Error('expected exactly one row');
        count++;
        i += CONCURRENCY;
      }
    }),
  );
  return Math.round(count / seconds);
}

await measure(plain, 1);
await measure(scoped, 1);
const plainPerSecond = await measure(plain, DURATION);
const scopedPerSecond = await measure(scoped, DURATION);
await service.end();

const read = (tenant: string) =>
  `select id, code, title from course.courses where tenant_id = '${tenant}' and code = 'C-' || :n;`;
const pgbenchPlain = await pgbench(
  `\\set n random(1, ${PER_TENANT})\n${read(tenants[0]!)}\n`,
  process.env.COURSE_SERVICE_DATABASE_URL!,
  CONCURRENCY,
);
const pgbenchTenantContext = await pgbench(
  `\\set n random(1, ${PER_TENANT})
\\startpipeline
begin;
select set_config('request.jwt.claims', '${JSON.stringify(claimsFor(tenants[0]!))}', true), set_config('role', 'authenticated', true);
${read(tenants[0]!)}
commit;
\\endpipeline
`,
  process.env.COURSE_SERVICE_DATABASE_URL!,
  CONCURRENCY,
);
const database =
  'transactionsPerSecond' in pgbenchPlain && 'transactionsPerSecond' in pgbenchTenantContext
    ? {
        plainReadsPerSecond: pgbenchPlain.transactionsPerSecond,
        tenantContextPipelinedPerSecond: pgbenchTenantContext.transactionsPerSecond,
        ratio: ratio(pgbenchTenantContext.transactionsPerSecond, pgbenchPlain.transactionsPerSecond),
      }
    : 'skipped' in pgbenchPlain
      ? pgbenchPlain
      : pgbenchTenantContext;
report({
  benchmark: 'rls',
  rows: TENANTS * PER_TENANT,
  tenants: TENANTS,
  concurrency: CONCURRENCY,
  plainReadsPerSecond: plainPerSecond,
  tenantContextReadsPerSecond: scopedPerSecond,
  ratio: ratio(scopedPerSecond, plainPerSecond),
  goal: 0.7,
  pgbench: database,
});
