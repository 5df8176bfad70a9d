import {
  forbidden,
  notFound,
  requireUser,
  type ServiceApp,
  type Sql,
  type TenantClaims,
  type Tx,
  useTokenVerifier,
} from '@eduspry/common';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { type Authenticate, verifierFrom } from '../auth.ts';
import { type CourseRow, findVisibleCourse } from '../db/courses.ts';
import { isCourseStaff, viewerOf } from '../domain/rules.ts';
import type { CourseEvents } from '../events.ts';

export interface RouteDeps {
  sql: Sql;
  events: CourseEvents;
  authenticate: Authenticate;
}

/** Every route of `app` runs under the caller's verified claims (401 otherwise); none is public. */
export function requireAuthentication(app: ServiceApp, authenticate: Authenticate): void {
  useTokenVerifier(app, verifierFrom(authenticate));
  app.addHook('onRequest', async (request) => {
    await requireUser(request);
  });
}

/** The claims the onRequest hook verified for this request. */
export function claimsOf(request: FastifyRequest): TenantClaims {
  if (!request.claims) throw new Error('requireAuthentication(app) was not called for this route');
  return request.claims;
}

/** The course if the caller may see it; otherwise 404, so hidden and foreign courses look alike. */
export async function visibleCourse(
  tx: Tx,
  claims: TenantClaims,
  courseId: string,
  lock = false,
): Promise<CourseRow> {
  const course = await findVisibleCourse(tx, viewerOf(claims), courseId, lock);
  if (!course) throw notFound(`No course ${courseId}`);
  return course;
}

export function membershipOf(course: CourseRow) {
  return course.myRole && course.myStatus ? { role: course.myRole, status: course.myStatus } : null;
}

export function assertStaff(claims: TenantClaims, course: CourseRow): void {
  if (!isCourseStaff(claims, membershipOf(course)))
    throw forbidden(`Only the course's instructors and tenant admins may change ${course.code}`);
}

export const Uuid = Type.String({ format: 'uuid' });
/** A timestamp in responses: rows carry Date objects, serialised as RFC 3339. */
export const DateTime = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });
export const DateOnly = Type.String({ format: 'date' });
export const Problem = Type.Ref('Problem');
export const CourseParams = Type.Object({ courseId: Uuid });
export const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem };
export const security = [{ bearerAuth: [] }];
