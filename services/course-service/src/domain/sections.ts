import type { TenantClaims, Tx } from '@eduspry/common';
import { insertSection, listSections, updateSection } from '../db/modules.ts';
import { problems } from '../problems.ts';
import { requireAccess } from './access.ts';
import { type CourseContext, inTenant } from './context.ts';
import { requireActiveUsers } from './directory.ts';

export interface SectionFields {
  name?: string | undefined;
  startsOn?: string | null | undefined;
  endsOn?: string | null | undefined;
  instructorIds?: string[] | undefined;
}

/** Postgres' verdicts on a section change, as the client's problems. */
/** A section's instructors are active users of the caller's tenant. */
function requireInstructors(tx: Tx, claims: TenantClaims, instructorIds: string[] | undefined) {
  const named = (instructorIds ?? []).map((userId, at) => ({ userId, field: `body.instructorIds.${at}` }));
  return requireActiveUsers(tx, claims.app_metadata.tenant_id, named);
}

const PG_PROBLEMS: Record<string, () => Error> = {
  23505: () => problems.create('conflict', 'Course already has a section with that name'),
  23514: () => problems.create('bad-request', 'endsOn must not be before startsOn'),
};

export function listCourseSections(ctx: CourseContext, claims: TenantClaims, courseId: string) {
  return inTenant(ctx, claims, async (tx) => {
    const course = await requireAccess(tx, claims, 'course:read', { courseId });
    return listSections(tx, course.id);
  });
}

export async function addSection(
  ctx: CourseContext,
  claims: TenantClaims,
  courseId: string,
  fields: SectionFields & { name: string },
) {
  if (fields.startsOn && fields.endsOn && fields.endsOn < fields.startsOn)
    throw problems.create('bad-request', 'endsOn must not be before startsOn');
  return inTenant(ctx, claims, async (tx) => {
    const course = await requireAccess(tx, claims, 'course:manage', { courseId });
    await requireInstructors(tx, claims, fields.instructorIds);
    const row = await insertSection(tx, {
      tenantId: claims.app_metadata.tenant_id,
      courseId: course.id,
      name: fields.name,
      startsOn: fields.startsOn ?? null,
      endsOn: fields.endsOn ?? null,
      instructorIds: fields.instructorIds ?? [],
    });
    if (!row) throw problems.create('conflict', `Course already has a section named ${fields.name}`);
    return row;
  });
}

export function changeSection(
  ctx: CourseContext,
  claims: TenantClaims,
  { courseId, sectionId }: { courseId: string; sectionId: string },
  patch: SectionFields,
) {
  return inTenant(ctx, claims, async (tx) => {
    const course = await requireAccess(tx, claims, 'course:manage', { courseId });
    await requireInstructors(tx, claims, patch.instructorIds);
    const section = await updateSection(tx, course.id, sectionId, patch).catch((error) => {
      throw PG_PROBLEMS[error?.code]?.() ?? error;
    });
    if (!section) throw problems.create('not-found', `No section ${sectionId}`);
    return section;
  });
}
