import { createHash } from 'node:crypto';
import { CsvError, parse } from 'csv-parse/sync';
import type { EnrollmentRole, EnrollmentStatus } from './rules.ts';
import { enrollmentRoleFromRoster } from './rules.ts';

/**
 * Pure rules of the OneRoster 1.1 enrolment import (no database): reading `users.csv` (only to
 * turn a `userSourcedId` into the email accounts are matched by), `classes.csv` (a class's
 * `classCode` is the EduSpry course code) and `enrollments.csv`, with per-row errors, and the plan:
 * what applying would enrol, change and (only when the admin says so) drop. `domain/roster-imports.ts`
 * runs them inside transactions.
 */

export const ONEROSTER_MAX_ROWS = 50_000;
export const ONEROSTER_MAX_COLUMNS = 64;
export const ONEROSTER_MAX_RECORD_CHARS = 8_192;

export interface RowError {
  file: string;
  /** The line of the file (1 is the header), as an editor or a spreadsheet counts it. */
  line: number;
  reason: string;
}

/** A whole-file problem (not one row): the answer is a 400 naming the file. */
export class OneRosterFileError extends Error {}

/** A valid enrollments.csv row with its class and user resolved through the other two files. */
export interface EnrollmentLine {
  line: number;
  sourcedId: string;
  classCode: string;
  email: string;
  role: EnrollmentRole;
  /** `status=tobedeleted`: the SIS says this enrolment should end. */
  remove: boolean;
}

export interface OneRosterFiles {
  users: string;
  classes: string;
  enrollments: string;
}

type Rows = { line: number; value: (column: string) => string }[];

function checkText(file: string, text: string): void {
  if (text.includes('\u0000'))
    throw new OneRosterFileError(`${file} contains NUL bytes: it is not a text CSV (UTF-16 or binary?)`);
  if (text.includes('\uFFFD') || !text.isWellFormed())
    throw new OneRosterFileError(`${file} is not valid UTF-8`);
}

/** One file's data rows, each with its line and a reader by (case-insensitive) column name. */
function readCsv(file: string, text: string, required: readonly string[]): Rows {
  checkText(file, text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      max_record_size: ONEROSTER_MAX_RECORD_CHARS,
    }) as never;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      const reason =
        error.code === 'CSV_QUOTE_NOT_CLOSED'
          ? 'a quoted field is never closed'
          : error.code === 'CSV_MAX_RECORD_SIZE'
            ? `a row is longer than ${ONEROSTER_MAX_RECORD_CHARS} characters`
            : `malformed CSV (${error.code})`;
      throw new OneRosterFileError(`${file}${line ? ` line ${line}` : ''}: ${reason}`);
    }
    throw error;
  }
  const [head, ...data] = records;
  if (!head) throw new OneRosterFileError(`${file} is empty`);
  if (head.record.length > ONEROSTER_MAX_COLUMNS)
    throw new OneRosterFileError(
      `${file} has ${head.record.length} columns; at most ${ONEROSTER_MAX_COLUMNS}`,
    );
  if (data.length > ONEROSTER_MAX_ROWS)
    throw new OneRosterFileError(
      `${file} has more than ${ONEROSTER_MAX_ROWS} rows; split it into several imports`,
    );
  const header = head.record.map((name) => name.toLowerCase());
  const missing = required.filter((name) => !header.includes(name));
  if (missing.length)
    throw new OneRosterFileError(`${file}: the header lacks the column(s) ${missing.join(', ')}`);
  return data.map(({ record, info }) => ({
    line: info.lines,
    value: (column: string) => record[header.indexOf(column)] ?? '',
  }));
}

/**
 * Reads the three files and joins them: each enrolment names its class and user by sourcedId, and
 * becomes a course code and an email. A row that cannot be joined or is malformed is an error with
 * its file and line, and is left out; the files as a whole are refused only when they cannot be
 * OneRoster files at all.
 */
export function readOneRoster(files: OneRosterFiles): { lines: EnrollmentLine[]; errors: RowError[] } {
  const errors: RowError[] = [];
  const emails = new Map<string, string>();
  for (const row of readCsv('users.csv', files.users, ['sourcedid', 'email'])) {
    const sourcedId = row.value('sourcedid');
    const email = row.value('email').toLowerCase();
    if (sourcedId && email) emails.set(sourcedId, email);
  }
  const classCodes = new Map<string, string>();
  for (const row of readCsv('classes.csv', files.classes, ['sourcedid', 'classcode'])) {
    const sourcedId = row.value('sourcedid');
    const code = row.value('classcode');
    if (!sourcedId) errors.push({ file: 'classes.csv', line: row.line, reason: 'sourcedId is empty' });
    else if (!code)
      errors.push({
        file: 'classes.csv',
        line: row.line,
        reason: 'classCode is empty (it names the course)',
      });
    else classCodes.set(sourcedId, code);
  }
  const lines: EnrollmentLine[] = [];
  const seenIds = new Map<string, number>();
  const seenPairs = new Map<string, number>();
  const file = 'enrollments.csv';
  for (const row of readCsv(file, files.enrollments, [
    'sourcedid',
    'classsourcedid',
    'usersourcedid',
    'role',
  ])) {
    const error = (reason: string) => errors.push({ file, line: row.line, reason });
    const sourcedId = row.value('sourcedid');
    const classId = row.value('classsourcedid');
    const userId = row.value('usersourcedid');
    const role = enrollmentRoleFromRoster(row.value('role'));
    if (!sourcedId) error('sourcedId is empty');
    else if (sourcedId.length > 255) error('sourcedId is longer than 255 characters');
    else if (seenIds.has(sourcedId))
      error(`sourcedId ${sourcedId} is also on line ${seenIds.get(sourcedId)}`);
    else if (!classCodes.has(classId))
      error(`classSourcedId ${JSON.stringify(classId.slice(0, 60))} is not a class of classes.csv`);
    else if (!emails.has(userId))
      error(`userSourcedId ${JSON.stringify(userId.slice(0, 60))} is not a user of users.csv`);
    else if (!role)
      error(
        `role ${JSON.stringify(row.value('role').slice(0, 40))} is not one of student, teacher, aide, guardian`,
      );
    else {
      const pair = `${classId}|${userId}`;
      if (seenPairs.has(pair)) {
        error(`user ${userId} is also enrolled in class ${classId} on line ${seenPairs.get(pair)}`);
        continue;
      }
      seenIds.set(sourcedId, row.line);
      seenPairs.set(pair, row.line);
      lines.push({
        line: row.line,
        sourcedId,
        classCode: classCodes.get(classId)!,
        email: emails.get(userId)!,
        role,
        remove: row.value('status').toLowerCase() === 'tobedeleted',
      });
    }
  }
  errors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { lines, errors };
}

/** What the database says about the rows' courses, users and their enrolments now. */
export interface RosterState {
  courses: Map<string, { id: string; code: string }>;
  users: Map<string, { userId: string; active: boolean }>;
  /** `${courseId}|${userId}` → the enrolment as it is. */
  enrollments: Map<string, { role: EnrollmentRole; status: EnrollmentStatus }>;
}

export interface PlannedEnrollment {
  line: number;
  sourcedId: string;
  courseId: string;
  courseCode: string;
  userId: string;
  email: string;
  role: EnrollmentRole;
}
export interface PlannedChange extends PlannedEnrollment {
  before: { role: EnrollmentRole; status: EnrollmentStatus };
}

export interface EnrollmentPlan {
  /** New enrolments (a student may be waitlisted when the course is full). */
  enrols: PlannedEnrollment[];
  /** Enrolled already, in another role: the role changes. */
  changes: PlannedChange[];
  /** `tobedeleted` rows of current enrolments: dropped only when the admin ticks it. */
  removals: PlannedEnrollment[];
  unchanged: number;
  errors: RowError[];
}

/**
 * The plan of the joined rows against the tenant as it is. An enrolment the file does not list
 * is never touched: only an explicit `tobedeleted` row proposes a drop.
 */
export function planEnrollments(
  file: { lines: EnrollmentLine[]; errors: RowError[] },
  state: RosterState,
): EnrollmentPlan {
  const plan: EnrollmentPlan = {
    enrols: [],
    changes: [],
    removals: [],
    unchanged: 0,
    errors: [...file.errors],
  };
  for (const row of file.lines) {
    const course = state.courses.get(row.classCode);
    const user = state.users.get(row.email);
    const error = (reason: string) => plan.errors.push({ file: 'enrollments.csv', line: row.line, reason });
    if (!course) {
      error(`class code ${JSON.stringify(row.classCode.slice(0, 60))} is not a course of this tenant`);
      continue;
    }
    if (!user) {
      error(`${row.email} is not a user of this tenant yet (apply the users import first)`);
      continue;
    }
    if (!user.active && !row.remove) {
      error(`${row.email} is deactivated`);
      continue;
    }
    const planned: PlannedEnrollment = {
      line: row.line,
      sourcedId: row.sourcedId,
      courseId: course.id,
      courseCode: course.code,
      userId: user.userId,
      email: row.email,
      role: row.role,
    };
    const found = state.enrollments.get(`${course.id}|${user.userId}`);
    const current = found?.status === 'dropped' ? undefined : found;
    if (row.remove) {
      if (current) plan.removals.push(planned);
      else plan.unchanged++;
    } else if (!current) plan.enrols.push(planned);
    else if (current.role !== row.role) plan.changes.push({ ...planned, before: current });
    else plan.unchanged++;
  }
  plan.errors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return plan;
}

/** The plan's fingerprint: an apply proceeds only if the plan it would apply has the same one. */
export function planHash(plan: EnrollmentPlan): string {
  return createHash('sha256').update(JSON.stringify(plan)).digest('hex');
}
