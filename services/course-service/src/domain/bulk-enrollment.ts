import type { TenantClaims, Tx } from '@eduspry/common';
import { isTenantAdminOf, isUuid } from '@eduspry/contracts';
import { CsvError, parse } from 'csv-parse/sync';
import { findCourseIdsByKeys } from '../db/courses.ts';
import { findEnrollment } from '../db/enrollments.ts';
import { claimRosterDelivery, recordRosterDelivery, rosterDeliveryResult } from '../db/roster-deliveries.ts';
import type { CourseEvents } from '../events.ts';
import { problems } from '../problems.ts';
import { requireAccess } from './access.ts';
import { type CourseContext, inTenant } from './context.ts';
import { activeUsersOf } from './directory.ts';
import { enrollUser } from './enrollments.ts';
import { type EnrollmentRole, enrollmentRoleFromRoster, isActiveStaff } from './rules.ts';

export const BULK_MAX_ROWS = 5000;

export interface RosterRow {
  /** 1-based data row number (the header is row 0), as a spreadsheet user would count. */
  row: number;
  sourcedId: string;
  user: string;
  class: string;
  role: string;
}

export interface RowResult {
  row: number;
  sourcedId: string;
  outcome: 'enrolled' | 'waitlisted' | 'unchanged' | 'rejected';
  error?: string;
}

/** OneRoster's own column names are accepted as synonyms of the short ones. */
const COLUMN_ALIASES: Record<string, keyof Omit<RosterRow, 'row'>> = {
  sourcedid: 'sourcedId',
  user: 'user',
  usersourcedid: 'user',
  class: 'class',
  classsourcedid: 'class',
  role: 'role',
};
const REQUIRED = ['sourcedId', 'user', 'class', 'role'] as const;

export function parseRosterCsv(text: string): { ok: true; rows: RosterRow[] } | { ok: false; error: string } {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: false });
  } catch (error) {
    if (error instanceof CsvError) return { ok: false, error: `malformed CSV: ${error.message}` };
    throw error;
  }
  const [header, ...data] = records;
  if (!header) return { ok: false, error: 'the CSV is empty' };
  const columns = header.map((name) => COLUMN_ALIASES[name.toLowerCase()]);
  const missing = REQUIRED.filter((name) => !columns.includes(name));
  if (missing.length) return { ok: false, error: `the CSV header lacks the column(s) ${missing.join(', ')}` };
  if (data.length === 0) return { ok: false, error: 'the CSV has a header but no rows' };
  if (data.length > BULK_MAX_ROWS)
    return { ok: false, error: `the CSV has ${data.length} rows; at most ${BULK_MAX_ROWS} per upload` };
  const rows = data.map((record, index) => {
    const row: RosterRow = { row: index + 1, sourcedId: '', user: '', class: '', role: '' };
    columns.forEach((column, at) => {
      if (column) row[column] = record[at] ?? '';
    });
    return row;
  });
  return { ok: true, rows };
}

/**
 * Validates every row first and applies only if all are valid, all in the caller's
 * transaction: a roster is either fully applied or not at all.
 */
export async function applyRoster(
  tx: Tx,
  events: CourseEvents,
  claims: TenantClaims,
  rows: RosterRow[],
): Promise<{ ok: boolean; rows: RowResult[] }> {
  // The roster is the caller's tenant's (a super_admin's: their home tenant's).
  const courses = await findCourseIdsByKeys(tx, claims.app_metadata.tenant_id, [
    ...new Set(rows.map((row) => (isUuid(row.class) ? row.class.toLowerCase() : row.class))),
  ]);
  const directory = await activeUsersOf(
    tx,
    claims.app_metadata.tenant_id,
    rows.map((row) => row.user).filter(isUuid),
  );
  const staffOf = new Map<string, EnrollmentRole | null>();
  const seenIds = new Set<string>();
  const seenPairs = new Set<string>();
  const checked: { row: RosterRow; courseId: string; role: EnrollmentRole; error?: string }[] = [];
  for (const row of rows) {
    const course = courses.get(isUuid(row.class) ? row.class.toLowerCase() : row.class);
    const role = enrollmentRoleFromRoster(row.role);
    let error: string | undefined;
    if (!row.sourcedId) error = 'sourcedId is empty';
    else if (seenIds.has(row.sourcedId)) error = `sourcedId ${row.sourcedId} appears more than once`;
    else if (!isUuid(row.user)) error = `user ${JSON.stringify(row.user)} is not a user id (uuid)`;
    else if (!course) error = `class ${JSON.stringify(row.class)} is not a course of this tenant`;
    else if (!role)
      error = `role ${JSON.stringify(row.role)} is not one of student, teacher, ta, aide, observer`;
    else if (seenPairs.has(`${course.id}:${row.user.toLowerCase()}`))
      error = `user ${row.user} appears more than once for class ${row.class}`;
    else if (!directory.has(row.user.toLowerCase())) error = `user ${row.user} is not a user of this tenant`;
    else if (!directory.get(row.user.toLowerCase())!.active) error = `user ${row.user} is deactivated`;
    else {
      if (!staffOf.has(course.id)) staffOf.set(course.id, await staffRole(tx, claims, course.id));
      const mine = staffOf.get(course.id);
      if (!mine) error = `you are not an instructor of ${course.code}`;
      else if (role === 'teacher' && mine !== 'teacher')
        error = 'only teachers and tenant admins add teachers';
    }
    seenIds.add(row.sourcedId);
    if (course) seenPairs.add(`${course.id}:${row.user.toLowerCase()}`);
    checked.push({ row, courseId: course?.id ?? '', role: role ?? 'student', ...(error ? { error } : {}) });
  }
  if (checked.some((entry) => entry.error))
    return {
      ok: false,
      rows: checked.map(({ row, error }) => ({
        row: row.row,
        sourcedId: row.sourcedId,
        outcome: error ? 'rejected' : 'unchanged',
        ...(error ? { error } : {}),
      })) as RowResult[],
    };
  const results: RowResult[] = [];
  for (const { row, courseId, role } of checked) {
    const { enrollment, changed } = await enrollUser(
      tx,
      events,
      { courseId, userId: row.user.toLowerCase(), role },
      { actorId: claims.sub },
    );
    results.push({
      row: row.row,
      sourcedId: row.sourcedId,
      outcome: !changed ? 'unchanged' : enrollment.status === 'waitlisted' ? 'waitlisted' : 'enrolled',
    });
  }
  return { ok: true, rows: results };
}

/** The caller's managing role in a course ('teacher' for admins), or null if they do not manage it. */
async function staffRole(tx: Tx, claims: TenantClaims, courseId: string): Promise<EnrollmentRole | null> {
  if (isTenantAdminOf(claims)) return 'teacher';
  const mine = await findEnrollment(tx, courseId, claims.sub);
  return isActiveStaff(mine) ? mine!.role : null;
}

/**
 * Bulk enrolment from a OneRoster-style CSV: every row is checked first, and either all apply
 * in one transaction or none does (422 `invalid-roster` with each row's error).
 */
/**
 * Applies a roster. With an idempotency key (a SIS delivery's id) it applies at most once per
 * tenant and key: a repeat gets the first answer (`replayed: true`) and changes nothing, even when
 * it arrives while the first is still applying (it waits on the key's row). A roster refused as
 * invalid leaves no key, so a corrected resend under the same id applies.
 */
export async function importRoster(
  ctx: CourseContext,
  claims: TenantClaims,
  csv: string,
  idempotencyKey?: string,
): Promise<{ applied: number; rows: RowResult[]; replayed?: true }> {
  return inTenant(ctx, claims, async (tx) => {
    await requireAccess(tx, claims, 'roster:import');
    const tenantId = claims.app_metadata.tenant_id;
    if (idempotencyKey) {
      const first = await claimRosterDelivery(tx, tenantId, idempotencyKey);
      if (!first) {
        const answered = await rosterDeliveryResult<{ applied: number; rows: RowResult[] }>(
          tx,
          tenantId,
          idempotencyKey,
        );
        if (answered) return { ...answered, replayed: true };
      }
    }
    const parsed = parseRosterCsv(csv);
    if (!parsed.ok) throw problems.create('bad-request', parsed.error);
    const result = await applyRoster(tx, ctx.events, claims, parsed.rows);
    if (!result.ok)
      throw problems.create(
        'invalid-roster',
        `${result.rows.filter((row) => row.error).length} row(s) are invalid; nothing was applied`,
        { rows: result.rows },
      );
    const answer = { applied: result.rows.length, rows: result.rows };
    if (idempotencyKey) await recordRosterDelivery(tx, tenantId, idempotencyKey, answer);
    return answer;
  });
}
