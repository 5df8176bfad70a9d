import type { TenantClaims } from '@eduspry/common';
import { isTenantAdminOf, isUuid } from '@eduspry/contracts';
import {
  type CoursePatch,
  type CourseRow,
  courseCodeTaken,
  insertCourse,
  listCourses,
  type NewCourse,
  updateCourse,
} from '../db/courses.ts';
import { problems } from '../problems.ts';
import { assertMay, membershipOf, requireAccess } from './access.ts';
import { type CourseContext, inTenant } from './context.ts';
import { requireActiveUsers } from './directory.ts';
import { enrollUser, fillSeats } from './enrollments.ts';
import { type CourseState, canTransition, viewerOf } from './rules.ts';

/** A course as the API shows it: the caller's own enrolment instead of the raw columns. */
export function toCourse(row: CourseRow) {
  const { myRole, myStatus, ...course } = row;
  return { ...course, myEnrollment: membershipOf({ myRole, myStatus }) };
}

const encodeCursor = (row: CourseRow) =>
  Buffer.from(JSON.stringify([row.code, row.id])).toString('base64url');

function decodeCursor(cursor: string): { code: string; id: string } {
  try {
    const [code, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof code === 'string' && typeof id === 'string' && isUuid(id)) return { code, id };
  } catch {}
  throw problems.create('bad-request', 'cursor is not one this API returned');
}

function assertDates(startsOn: string | null | undefined, endsOn: string | null | undefined) {
  if (startsOn && endsOn && endsOn < startsOn)
    throw problems.create('bad-request', 'endsOn must not be before startsOn');
}

export interface CatalogQuery {
  q?: string | undefined;
  state?: CourseState | undefined;
  term?: string | undefined;
  enrolled?: boolean | undefined;
  ids?: string[] | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** The catalog the caller may see (the visibility rule lives in db/courses.ts' one predicate). */
export async function browseCourses(ctx: CourseContext, claims: TenantClaims, query: CatalogQuery) {
  const { cursor, limit: asked, ...filter } = query;
  // A by-id lookup (the gateway's batch) answers every id asked for in one page.
  const limit = Math.max(asked, filter.ids?.length ?? 0);
  const after = cursor ? decodeCursor(cursor) : undefined;
  const rows = await inTenant(ctx, claims, (tx) =>
    listCourses(tx, viewerOf(claims), { ...filter, after, limit: limit + 1 }),
  );
  const page = rows.slice(0, limit);
  return {
    items: page.map(toCourse),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null,
  };
}

export async function getCourse(ctx: CourseContext, claims: TenantClaims, courseId: string) {
  return toCourse(
    await inTenant(ctx, claims, (tx) => requireAccess(tx, claims, 'course:read', { courseId })),
  );
}

export type CourseDraft = Omit<NewCourse, 'tenantId' | 'createdBy'> & {
  instructorIds?: string[] | undefined;
};

/**
 * Creates a draft course. The creating instructor becomes its teacher (a tenant admin does not,
 * unless listed), as do the listed instructors: each is an enrolment with its event.
 */
export async function createCourse(ctx: CourseContext, claims: TenantClaims, draft: CourseDraft) {
  const { instructorIds = [], ...fields } = draft;
  const course = await inTenant(ctx, claims, async (tx) => {
    await requireAccess(tx, claims, 'course:create');
    assertDates(fields.startsOn, fields.endsOn);
    if (fields.autoEnrollOnRegistration) assertMay(claims, 'course:choose-orientation');
    const tenantId = claims.app_metadata.tenant_id;
    const named = instructorIds.map((userId, at) => ({ userId, field: `body.instructorIds.${at}` }));
    await requireActiveUsers(tx, tenantId, named, claims.sub);
    const id = await insertCourse(tx, {
      ...fields,
      tenantId,
      createdBy: claims.sub,
    });
    if (!id) throw problems.create('conflict', `A course with code ${fields.code} already exists`);
    const teachers = new Map<string, string>();
    for (const { userId, field } of named) if (!teachers.has(userId)) teachers.set(userId, field);
    if (!isTenantAdminOf(claims) && !teachers.has(claims.sub)) teachers.set(claims.sub, 'token.sub');
    for (const [userId, field] of teachers)
      await enrollUser(
        tx,
        ctx.events,
        { courseId: id, userId, role: 'teacher', field },
        { actorId: claims.sub },
      );
    return requireAccess(tx, claims, 'course:read', { courseId: id });
  });
  return toCourse(course);
}

/** Changes a course: details, state (draft → published → archived), capacity (which may fill seats). */
export async function changeCourse(
  ctx: CourseContext,
  claims: TenantClaims,
  courseId: string,
  patch: CoursePatch,
) {
  const course = await inTenant(ctx, claims, async (tx) => {
    if (patch.autoEnrollOnRegistration !== undefined) assertMay(claims, 'course:choose-orientation');
    const current = await requireAccess(tx, claims, 'course:manage', { courseId, lock: true });
    if (patch.state && !canTransition(current.state, patch.state))
      throw problems.create('conflict', `A ${current.state} course cannot become ${patch.state}`);
    assertDates(
      patch.startsOn === undefined ? current.startsOn : patch.startsOn,
      patch.endsOn === undefined ? current.endsOn : patch.endsOn,
    );
    if (patch.code && patch.code !== current.code && (await courseCodeTaken(tx, current.id, patch.code)))
      throw problems.create('conflict', `A course with code ${patch.code} already exists`);
    await updateCourse(tx, current.id, patch);
    if (patch.capacity !== undefined) await fillSeats(tx, ctx.events, current.id, { actorId: claims.sub });
    return requireAccess(tx, claims, 'course:read', { courseId: current.id });
  });
  return toCourse(course);
}
