import { type Static, Type } from 'typebox';

/** Platform roles, carried in the access token's `app_metadata.roles`. */
export const PlatformRole = Type.Union([
  Type.Literal('student'),
  Type.Literal('instructor'),
  Type.Literal('tenant_admin'),
  Type.Literal('super_admin'),
]);
export type PlatformRole = Static<typeof PlatformRole>;
export const PLATFORM_ROLES: readonly PlatformRole[] = [
  'student',
  'instructor',
  'tenant_admin',
  'super_admin',
];

/** A user's role within one course (an enrolment's role). */
export const CourseRole = Type.Union([
  Type.Literal('student'),
  Type.Literal('teacher'),
  Type.Literal('ta'),
  Type.Literal('observer'),
]);
export type CourseRole = Static<typeof CourseRole>;
/** Course roles that build, teach and grade the course. */
export const COURSE_STAFF_ROLES: readonly CourseRole[] = ['teacher', 'ta'];

/** The part of the token claims that roles are read from (any service's claim type fits). */
export interface RoleBearer {
  app_metadata: { tenant_id?: string | null; roles?: readonly string[] | null };
}

const rolesOf = (claims: RoleBearer): readonly string[] => claims.app_metadata.roles ?? [];

export const hasPlatformRole = (claims: RoleBearer, role: PlatformRole): boolean =>
  rolesOf(claims).includes(role);

/** super_admin: crosses tenants, explicitly. */
export const isSuperAdmin = (claims: RoleBearer): boolean => hasPlatformRole(claims, 'super_admin');

/** Administers `tenantId` (the caller's own tenant when omitted): its tenant_admin, or super_admin. */
export function isTenantAdminOf(claims: RoleBearer, tenantId?: string): boolean {
  if (isSuperAdmin(claims)) return true;
  return (
    hasPlatformRole(claims, 'tenant_admin') &&
    (tenantId === undefined || claims.app_metadata.tenant_id === tenantId)
  );
}

/** May create and teach courses: instructors and administrators. */
export const mayTeach = (claims: RoleBearer): boolean =>
  isTenantAdminOf(claims) || hasPlatformRole(claims, 'instructor');

export const isCourseStaffRole = (role: CourseRole | string | null | undefined): boolean =>
  COURSE_STAFF_ROLES.includes(role as CourseRole);

/** The highest of a user's platform roles (super_admin > tenant_admin > instructor > student). */
export function primaryRole(roles: readonly string[]): PlatformRole | null {
  for (const role of [...PLATFORM_ROLES].reverse()) if (roles.includes(role)) return role;
  return null;
}

/** How an account came to be, as user_registered reports it. */
export const RegistrationMethod = Type.Union([
  Type.Literal('password'),
  Type.Literal('invitation'),
  Type.Literal('oidc'),
  Type.Literal('admin'),
]);
export type RegistrationMethod = Static<typeof RegistrationMethod>;
