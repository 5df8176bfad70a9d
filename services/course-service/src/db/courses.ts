import type { Tx } from '@eduspry/common';
import { isUuid } from '@eduspry/contracts';
import type { CourseState, EnrollmentRole, EnrollmentStatus, Viewer } from '../domain/rules.ts';

export type { Viewer };

export interface CourseRow {
  id: string;
  code: string;
  title: string;
  description: string;
  term: string | null;
  state: CourseState;
  startsOn: string | null;
  endsOn: string | null;
  selfEnrollment: boolean;
  capacity: number | null;
  autoEnrollOnRegistration: boolean;
  instructorIds: string[];
  myRole: EnrollmentRole | null;
  myStatus: EnrollmentStatus | null;
  createdAt: Date;
  updatedAt: Date;
}

const columns = (tx: Tx) => tx`
  c.id, c.code, c.title, c.description, c.term, c.state, c.starts_on::text as "startsOn",
  c.ends_on::text as "endsOn", c.self_enrollment as "selfEnrollment", c.capacity,
  c.auto_enroll_on_registration as "autoEnrollOnRegistration",
  coalesce((select array_agg(t.user_id order by t.created_at) from course.enrollments t
            where t.course_id = c.id and t.role = 'teacher' and t.status = 'active'), '{}') as "instructorIds",
  my.role as "myRole", my.status as "myStatus", c.created_at as "createdAt", c.updated_at as "updatedAt"`;

/**
 * Which courses a viewer may see (tenancy itself is RLS's job): admins all; teachers and TAs
 * their own in any state; everyone else published courses that are open for self-enrolment
 * or that they are enrolled or waitlisted in.
 */
const visible = (tx: Tx, viewer: Viewer) =>
  viewer.admin
    ? tx`true`
    : tx`((my.status = 'active' and my.role in ('teacher', 'ta'))
          or (c.state = 'published' and (c.self_enrollment or my.status in ('active', 'waitlisted'))))`;

export interface CourseFilter {
  q?: string | undefined;
  state?: CourseState | undefined;
  term?: string | undefined;
  enrolled?: boolean | undefined;
  ids?: string[] | undefined;
  after?: { code: string; id: string } | undefined;
  limit: number;
}

/** `enrolled`: only the viewer's own courses, and an inner join reads them from their enrolments. */
export async function listCourses(tx: Tx, viewer: Viewer, filter: CourseFilter): Promise<CourseRow[]> {
  const pattern = filter.q ? `%${filter.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : null;
  return tx<CourseRow[]>`
    select ${columns(tx)}
    from course.courses c
    ${filter.enrolled ? tx`join` : tx`left join`} course.enrollments my
      on my.course_id = c.id and my.user_id = ${viewer.userId}
    where ${visible(tx, viewer)}
      ${viewer.tenantId ? tx`and c.tenant_id = ${viewer.tenantId}` : tx``}
      ${pattern ? tx`and (c.code ilike ${pattern} or c.title ilike ${pattern} or c.description ilike ${pattern})` : tx``}
      ${filter.state ? tx`and c.state = ${filter.state}` : tx``}
      ${filter.term ? tx`and c.term = ${filter.term}` : tx``}
      ${filter.ids ? tx`and c.id = any(${filter.ids}::uuid[])` : tx``}
      ${filter.enrolled ? tx`and my.status in ('active', 'waitlisted')` : tx``}
      ${filter.after ? tx`and (c.code, c.id) > (${filter.after.code}, ${filter.after.id}::uuid)` : tx``}
    order by c.code, c.id
    limit ${filter.limit}`;
}

/** A course the viewer may see, or undefined (unknown, another tenant's, or hidden from them). */
export async function findVisibleCourse(
  tx: Tx,
  viewer: Viewer,
  courseId: string,
  lock = false,
): Promise<CourseRow | undefined> {
  const [row] = await tx<CourseRow[]>`
    select ${columns(tx)}
    from course.courses c
    left join course.enrollments my on my.course_id = c.id and my.user_id = ${viewer.userId}
    where c.id = ${courseId} and ${visible(tx, viewer)}
    ${lock ? tx`for update of c` : tx``}`;
  return row;
}

export interface NewCourse {
  tenantId: string;
  code: string;
  title: string;
  description?: string | undefined;
  term?: string | null | undefined;
  startsOn?: string | null | undefined;
  endsOn?: string | null | undefined;
  selfEnrollment?: boolean | undefined;
  capacity?: number | null | undefined;
  autoEnrollOnRegistration?: boolean | undefined;
  createdBy: string;
}

export async function insertCourse(tx: Tx, course: NewCourse): Promise<string | undefined> {
  const [row] = await tx<{ id: string }[]>`
    insert into course.courses (tenant_id, code, title, description, term, starts_on, ends_on,
                                self_enrollment, capacity, auto_enroll_on_registration, created_by)
    values (${course.tenantId}, ${course.code}, ${course.title}, ${course.description ?? ''},
            ${course.term ?? null}, ${course.startsOn ?? null}, ${course.endsOn ?? null},
            ${course.selfEnrollment ?? false}, ${course.capacity ?? null},
            ${course.autoEnrollOnRegistration ?? false}, ${course.createdBy})
    on conflict (tenant_id, code) do nothing
    returning id`;
  return row?.id;
}

/** The columns of a course a route may change. */
export type CoursePatch = Partial<
  Pick<
    CourseRow,
    | 'code'
    | 'title'
    | 'description'
    | 'term'
    | 'state'
    | 'startsOn'
    | 'endsOn'
    | 'selfEnrollment'
    | 'capacity'
    | 'autoEnrollOnRegistration'
  >
>;

const COURSE_COLUMNS: Record<keyof CoursePatch, string> = {
  code: 'code',
  title: 'title',
  description: 'description',
  term: 'term',
  state: 'state',
  startsOn: 'starts_on',
  endsOn: 'ends_on',
  selfEnrollment: 'self_enrollment',
  capacity: 'capacity',
  autoEnrollOnRegistration: 'auto_enroll_on_registration',
};

export async function updateCourse(tx: Tx, courseId: string, patch: CoursePatch): Promise<void> {
  const changes = Object.fromEntries(
    Object.entries(patch)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [COURSE_COLUMNS[key as keyof CoursePatch], value]),
  );
  if (Object.keys(changes).length === 0) return;
  await tx`update course.courses set ${tx(changes)}, updated_at = now() where id = ${courseId}`;
}

/** Published orientation courses of the tenant the transaction runs for. */
export async function orientationCourseIds(tx: Tx, tenantId: string): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`
    select id from course.courses
    where tenant_id = ${tenantId} and auto_enroll_on_registration and state = 'published'`;
  return rows.map((row) => row.id);
}

/** Resolves a tenant's course by id or by code (bulk enrolment rows may name either). */
export async function findCourseIdsByKeys(
  tx: Tx,
  tenantId: string,
  keys: string[],
): Promise<Map<string, { id: string; code: string }>> {
  const ids = keys.filter(isUuid);
  const rows = await tx<{ id: string; code: string }[]>`
    select id, code from course.courses
    where tenant_id = ${tenantId} and (code = any(${keys}) or id = any(${ids}::uuid[]))`;
  const found = new Map<string, { id: string; code: string }>();
  for (const row of rows) {
    found.set(row.code, row);
    found.set(row.id, row);
  }
  return found;
}

/** Whether another course of `courseId`'s tenant has `code` (codes are unique per tenant). */
export async function courseCodeTaken(tx: Tx, courseId: string, code: string): Promise<boolean> {
  const [row] = await tx`
    select 1 from course.courses
    where code = ${code} and tenant_id = (select tenant_id from course.courses where id = ${courseId})`;
  return !!row;
}
