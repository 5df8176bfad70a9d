import type { Tx } from '@eduspry/common';
import type { EnrollmentLine, EnrollmentPlan, RosterState, RowError } from '../domain/oneroster-rules.ts';
import type { EnrollmentRole, EnrollmentStatus } from '../domain/rules.ts';

export interface RosterImportRow {
  id: string;
  created_at: Date;
  rows: { lines: EnrollmentLine[]; errors: RowError[] };
  plan: EnrollmentPlan;
  plan_hash: string;
  applied_at: Date | null;
  result: RosterImportResult | null;
}

export interface RosterImportResult {
  enrolled: number;
  waitlisted: number;
  changed: number;
  removed: number;
  removalsSkipped: number;
}

/** Serialises applies of one tenant's roster imports (a second waits, then sees the first's changes). */
export async function lockTenantRoster(tx: Tx, tenantId: string): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtextextended(${`course-roster:${tenantId}`}, 0))`;
}

/** The courses, users and enrolments the rows name, as they are now, in one tenant. */
export async function rosterState(tx: Tx, tenantId: string, lines: EnrollmentLine[]): Promise<RosterState> {
  const codes = [...new Set(lines.map((line) => line.classCode))];
  const emails = [...new Set(lines.map((line) => line.email))];
  const courses = await tx<{ id: string; code: string }[]>`
    select id, code from course.courses where tenant_id = ${tenantId} and code = any(${codes})`;
  const users = await tx<{ userId: string; email: string; active: boolean }[]>`
    select user_id as "userId", lower(email) as email, active from course.users
    where tenant_id = ${tenantId} and lower(email) = any(${emails})`;
  const enrollments = await tx<
    { courseId: string; userId: string; role: EnrollmentRole; status: EnrollmentStatus }[]
  >`
    select course_id as "courseId", user_id as "userId", role, status from course.enrollments
    where tenant_id = ${tenantId} and course_id = any(${courses.map((c) => c.id)}::uuid[])
      and user_id = any(${users.map((u) => u.userId)}::uuid[])`;
  return {
    courses: new Map(courses.map((course) => [course.code, course])),
    users: new Map(users.map((user) => [user.email, user])),
    enrollments: new Map(enrollments.map((e) => [`${e.courseId}|${e.userId}`, e])),
  };
}

export async function insertRosterImport(
  tx: Tx,
  row: {
    tenantId: string;
    createdBy: string;
    rows: RosterImportRow['rows'];
    plan: EnrollmentPlan;
    hash: string;
  },
): Promise<RosterImportRow> {
  const [inserted] = await tx<RosterImportRow[]>`
    insert into course.roster_imports (tenant_id, created_by, rows, plan, plan_hash)
    values (${row.tenantId}, ${row.createdBy}, ${tx.json(row.rows as never)}, ${tx.json(row.plan as never)}, ${row.hash})
    returning id, created_at, rows, plan, plan_hash, applied_at, result`;
  return inserted!;
}

export async function findRosterImport(
  tx: Tx,
  tenantId: string,
  id: string,
  { forUpdate = false } = {},
): Promise<RosterImportRow | undefined> {
  const [row] = await tx<RosterImportRow[]>`
    select id, created_at, rows, plan, plan_hash, applied_at, result from course.roster_imports
    where tenant_id = ${tenantId} and id = ${id} ${forUpdate ? tx`for update` : tx``}`;
  return row;
}

export async function markRosterApplied(
  tx: Tx,
  id: string,
  appliedBy: string,
  result: RosterImportResult,
): Promise<void> {
  await tx`
    update course.roster_imports set applied_at = now(), applied_by = ${appliedBy}, result = ${tx.json(result as never)}
    where id = ${id}`;
}
