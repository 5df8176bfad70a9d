import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { Role, UserStatus } from '../db/users.ts';

/**
 * Pure rules of the OneRoster 1.1 import (no database): reading `users.csv` with its limits and
 * per-row errors, mapping OneRoster roles to platform roles, and the diff between the file and
 * the tenant's users. `domain/roster.ts` runs them inside transactions.
 */

export const ROSTER_MAX_ROWS = 20_000;
export const ROSTER_MAX_COLUMNS = 64;
/** A OneRoster users.csv line is a few hundred characters; anything far longer is not one. */
export const ROSTER_MAX_RECORD_CHARS = 8_192;

export interface RowError {
  file: string;
  /** The line of the file (1 is the header), as an editor or a spreadsheet counts it. */
  line: number;
  reason: string;
}

/** A valid users.csv row: who the SIS says should be in the tenant, or be gone. */
export interface RosterUser {
  line: number;
  sourcedId: string;
  email: string;
  displayName: string;
  roles: Role[];
  /** `enabledUser=false` or `status=tobedeleted`: the SIS says this account should be gone. */
  disabled: boolean;
}

/** A whole-file problem (not one row): the answer is a 400 naming the file. */
export class RosterFileError extends Error {}

const REQUIRED = ['sourcedid', 'role', 'email', 'givenname', 'familyname'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * OneRoster roles → platform roles. Administrators are refused per row on purpose: a CSV from
 * the SIS must not hand out tenant administration; admins are invited on the users page.
 */
const ROLE_MAP: Record<string, Role | { refuse: string }> = {
  student: 'student',
  teacher: 'instructor',
  aide: 'instructor',
  administrator: {
    refuse: 'administrator accounts are not imported; invite administrators on the users page',
  },
  guardian: { refuse: 'guardian accounts are not supported yet' },
  parent: { refuse: 'parent accounts are not supported yet' },
  relative: { refuse: 'relative accounts are not supported yet' },
  proctor: { refuse: 'proctor accounts are not supported yet' },
};

/** Refuses what cannot be a UTF-8 CSV before any parsing. */
function checkText(file: string, text: string): void {
  if (text.includes('\u0000'))
    throw new RosterFileError(`${file} contains NUL bytes: it is not a text CSV (UTF-16 or binary?)`);
  // U+FFFD is what a decoder leaves of bytes that were not UTF-8; a lone surrogate is no text at all.
  if (text.includes('\uFFFD') || !text.isWellFormed())
    throw new RosterFileError(`${file} is not valid UTF-8`);
}

/**
 * Streams `users.csv` through csv-parse: a bad row (wrong column count, unterminated quote,
 * missing or invalid field, duplicate) is reported with its line and skipped; the file as a whole
 * is refused only when it cannot be a users.csv (no header, too many columns or rows, not text).
 */
export async function readUsersCsv(
  text: string,
  file = 'users.csv',
): Promise<{ users: RosterUser[]; errors: RowError[] }> {
  checkText(file, text);
  const errors: RowError[] = [];
  const users: RosterUser[] = [];
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    info: true,
    max_record_size: ROSTER_MAX_RECORD_CHARS,
    skip_records_with_error: true,
  });
  let header: string[] | undefined;
  parser.on('skip', (error: CsvError & { lines?: number }) => {
    const line = error.lines ?? 0;
    if (error.code === 'CSV_MAX_RECORD_SIZE' && line <= 1)
      parser.destroy(
        new RosterFileError(`${file}: the header is longer than ${ROSTER_MAX_RECORD_CHARS} characters`),
      );
    else errors.push({ file, line, reason: csvReason(error) });
  });
  const seenEmails = new Map<string, number>();
  const seenIds = new Map<string, number>();
  let count = 0;
  try {
    const source = Readable.from([text]);
    source.pipe(parser);
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!header) {
        if (record.length > ROSTER_MAX_COLUMNS)
          throw new RosterFileError(
            `${file} has ${record.length} columns; a users.csv has at most ${ROSTER_MAX_COLUMNS}`,
          );
        header = record.map((name) => name.toLowerCase());
        const missing = REQUIRED.filter((name) => !header!.includes(name));
        if (missing.length)
          throw new RosterFileError(`${file}: the header lacks the column(s) ${missing.join(', ')}`);
        continue;
      }
      if (++count > ROSTER_MAX_ROWS)
        throw new RosterFileError(
          `${file} has more than ${ROSTER_MAX_ROWS} rows; split it into several imports`,
        );
      const line = info.lines;
      const value = (name: string) => record[header!.indexOf(name)] ?? '';
      const verdict = rosterUser(line, value);
      if (typeof verdict === 'string') {
        errors.push({ file, line, reason: verdict });
        continue;
      }
      const key = verdict.email.toLowerCase();
      if (seenIds.has(verdict.sourcedId)) {
        errors.push({
          file,
          line,
          reason: `sourcedId ${verdict.sourcedId} is also on line ${seenIds.get(verdict.sourcedId)}`,
        });
        continue;
      }
      if (seenEmails.has(key)) {
        errors.push({ file, line, reason: `email ${verdict.email} is also on line ${seenEmails.get(key)}` });
        continue;
      }
      seenIds.set(verdict.sourcedId, line);
      seenEmails.set(key, line);
      users.push(verdict);
    }
  } catch (error) {
    if (error instanceof RosterFileError) throw error;
    if (error instanceof CsvError) throw new RosterFileError(`${file}: ${csvReason(error)}`);
    throw error;
  } finally {
    parser.destroy();
  }
  if (!header) throw new RosterFileError(`${file} is empty`);
  // csv-parse reports skipped rows as it reads, ahead of the records still buffered.
  errors.sort((a, b) => a.line - b.line);
  return { users, errors };
}

function csvReason(error: CsvError): string {
  switch (error.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
      return 'the row has a different number of columns than the header';
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed';
    case 'CSV_MAX_RECORD_SIZE':
      return `the row is longer than ${ROSTER_MAX_RECORD_CHARS} characters`;
    default:
      return `malformed CSV (${error.code})`;
  }
}

function rosterUser(line: number, value: (column: string) => string): RosterUser | string {
  const sourcedId = value('sourcedid');
  if (!sourcedId) return 'sourcedId is empty';
  if (sourcedId.length > 255) return 'sourcedId is longer than 255 characters';
  const email = value('email');
  if (!email) return 'email is empty (accounts are matched by email)';
  if (email.length > 254 || !EMAIL.test(email))
    return `email ${JSON.stringify(email.slice(0, 60))} is not an email address`;
  const role = ROLE_MAP[value('role').toLowerCase()];
  if (!role) return `role ${JSON.stringify(value('role').slice(0, 40))} is not a OneRoster role`;
  if (typeof role === 'object') return role.refuse;
  const displayName = `${value('givenname')} ${value('familyname')}`.trim().replace(/\s+/g, ' ');
  if (!displayName) return 'givenName and familyName are both empty';
  if (displayName.length > 200) return 'the name is longer than 200 characters';
  const enabled = value('enableduser').toLowerCase();
  if (enabled && enabled !== 'true' && enabled !== 'false')
    return `enabledUser ${JSON.stringify(enabled.slice(0, 20))} is not true or false`;
  const disabled = enabled === 'false' || value('status').toLowerCase() === 'tobedeleted';
  return { line, sourcedId, email, displayName, roles: [role], disabled };
}

/** A tenant's user as the diff needs it. */
export interface ExistingUser {
  id: string;
  email: string;
  displayName: string;
  roles: Role[];
  status: UserStatus;
}

export interface UserState {
  displayName: string;
  roles: Role[];
  status: UserStatus;
}

export interface Creation {
  line: number;
  sourcedId: string;
  email: string;
  displayName: string;
  roles: Role[];
}
export interface Change {
  line: number;
  sourcedId: string;
  userId: string;
  email: string;
  before: UserState;
  after: UserState;
}
export interface Removal {
  userId: string;
  email: string;
  displayName: string;
  roles: Role[];
  /** Where the SIS said so (`enabledUser=false` / `tobedeleted`), or null: absent from the file. */
  line: number | null;
}
export interface RosterDiff {
  creates: Creation[];
  changes: Change[];
  removals: Removal[];
  unchanged: number;
  errors: RowError[];
}

/** Roles a roster never grants or takes away; their holders are never removed by an import. */
const KEPT_ROLES: Role[] = ['tenant_admin', 'super_admin'];
const sortRoles = (roles: Role[]) => [...new Set(roles)].sort();

/**
 * The diff between the file and the tenant's users. Removals are only *proposed* here: the
 * admin applies them with a separate, explicit choice. Users absent from the file are proposed
 * for deactivation (never deletion) unless they hold an administrator role or are the importer.
 */
export function diffRoster(
  file: { users: RosterUser[]; errors: RowError[] },
  existing: ExistingUser[],
  importerId: string,
): RosterDiff {
  const byEmail = new Map(existing.map((user) => [user.email.toLowerCase(), user]));
  const listed = new Set<string>();
  const diff: RosterDiff = { creates: [], changes: [], removals: [], unchanged: 0, errors: file.errors };
  for (const row of file.users) {
    const user = byEmail.get(row.email.toLowerCase());
    if (user) listed.add(user.id);
    if (row.disabled) {
      if (user && user.status !== 'deactivated' && removable(user, importerId))
        diff.removals.push(removal(user, row.line));
      else diff.unchanged++;
      continue;
    }
    if (!user) {
      diff.creates.push({
        line: row.line,
        sourcedId: row.sourcedId,
        email: row.email,
        displayName: row.displayName,
        roles: row.roles,
      });
      continue;
    }
    const before: UserState = {
      displayName: user.displayName,
      roles: sortRoles(user.roles),
      status: user.status,
    };
    const after: UserState = {
      displayName: row.displayName,
      roles: sortRoles([...row.roles, ...user.roles.filter((role) => KEPT_ROLES.includes(role))]),
      // Back from deactivation; an invited user stays invited until they accept.
      status: user.status === 'deactivated' ? 'active' : user.status,
    };
    if (JSON.stringify(before) === JSON.stringify(after)) diff.unchanged++;
    else
      diff.changes.push({
        line: row.line,
        sourcedId: row.sourcedId,
        userId: user.id,
        email: user.email,
        before,
        after,
      });
  }
  for (const user of existing)
    if (!listed.has(user.id) && user.status !== 'deactivated' && removable(user, importerId))
      diff.removals.push(removal(user, null));
  diff.removals.sort((a, b) => a.email.localeCompare(b.email));
  return diff;
}

function removable(user: ExistingUser, importerId: string): boolean {
  return user.id !== importerId && !user.roles.some((role) => KEPT_ROLES.includes(role));
}

function removal(user: ExistingUser, line: number | null): Removal {
  return {
    userId: user.id,
    email: user.email,
    displayName: user.displayName,
    roles: sortRoles(user.roles),
    line,
  };
}

/** The diff's fingerprint: an apply proceeds only if the diff it would apply has the same one. */
export function diffHash(diff: RosterDiff): string {
  return createHash('sha256').update(JSON.stringify(diff)).digest('hex');
}
