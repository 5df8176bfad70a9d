// Generated from packages/contracts/schemas/*.avsc by `npm run generate -w @eduspry/contracts`.
// Do not edit: change the schema and regenerate.

/** course.management.enrollment_changed v1 */
export interface EnrollmentChangedV1 {
  /** uuid of the enrolled user */
  userId: string;
  /** uuid of the course (the aggregate id and Kafka key) */
  courseId: string;
  /** what happened */
  action: 'enrolled' | 'unenrolled';
  /** ISO-8601 UTC instant of the change */
  timestamp: string;
}

/** user.authentication.user_deactivated v1 */
export interface UserDeactivatedV1 {
  /** uuid of the deactivated user */
  userId: string;
  /** uuid of the tenant */
  tenantId: string;
  /** uuid of the acting user; null when the platform did it */
  deactivatedBy?: null | string;
  /** free text given by the admin, if any */
  reason?: null | string;
  /** ISO-8601 UTC instant of the deactivation */
  deactivatedAt: string;
}

/** user.authentication.user_registered v1 */
export interface UserRegisteredV1 {
  /** uuid of the user (the aggregate id and Kafka key) */
  userId: string;
  /** uuid of the tenant, the same as the envelope's tenantId */
  tenantId: string;
  /** the sign-in email as entered, not lower-cased */
  email: string;
  /** student | instructor | tenant_admin | super_admin; strings rather than an enum so a new role does not break old readers */
  roles: Array<string>;
  /** ISO-8601 UTC instant the account was created */
  registeredAt: string;
}

/** user.authentication.user_role_changed v1 */
export interface UserRoleChangedV1 {
  /** uuid of the user whose roles changed */
  userId: string;
  /** uuid of the tenant */
  tenantId: string;
  /** the roles after the change */
  roles: Array<string>;
  /** the roles before the change */
  previousRoles: Array<string>;
  /** uuid of the acting user; null when the platform did it */
  changedBy?: null | string;
  /** ISO-8601 UTC instant of the change */
  changedAt: string;
}

/** The data of each event type at its current major version. */
export interface EventDataMap {
  'course.management.enrollment_changed': EnrollmentChangedV1;
  'user.authentication.user_deactivated': UserDeactivatedV1;
  'user.authentication.user_registered': UserRegisteredV1;
  'user.authentication.user_role_changed': UserRoleChangedV1;
}
