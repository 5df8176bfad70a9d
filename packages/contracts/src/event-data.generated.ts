// Generated from packages/contracts/schemas/*.avsc by `npm run generate -w @eduspry/contracts`.
// Do not edit: change the schema and regenerate.

/** analytics.engagement.student_at_risk v1 */
export interface StudentAtRiskV1 {
  /** uuid of the staff member (teacher or TA of the course) this event tells */
  userId: string;
  /** uuid of the student at risk (the Kafka key) */
  studentId: string;
  /** uuid of the course */
  courseId: string;
  /** inactive | low-grade | behind-schedule (strings so a new reason never breaks old readers) */
  reasons: Array<string>;
  /** one human-readable detail per reason, in the same order */
  details: Array<string>;
  /** ISO-8601 UTC instant the sweep found the student at risk */
  detectedAt: string;
}

/** assessment.attempt.submitted v1 */
export interface SubmittedV1 {
  /** uuid of the attempt (the Kafka key) */
  attemptId: string;
  /** uuid of the quiz */
  quizId: string;
  /** uuid of the course the quiz belongs to */
  courseId: string;
  /** uuid of the student */
  userId: string;
  /** 1 for the first attempt */
  attemptNumber: number;
  /** ISO-8601 UTC instant of the submission */
  submittedAt: string;
  /** true when the deadline submitted it */
  autoSubmitted: boolean;
  /** points earned so far; null while every question waits for a grader */
  score?: null | number;
  /** the attempt's total points */
  pointsPossible: number;
  /** pending while essays or file responses wait for manual grading */
  gradingState: 'complete' | 'pending';
}

/** assessment.grading.grade_posted v1 */
export interface GradePostedV1 {
  /** uuid of the quiz (the Kafka key) */
  quizId: string;
  /** uuid of the course */
  courseId: string;
  /** uuid of the student */
  userId: string;
  /** the attempt that counts, if any */
  attemptId?: null | string;
  /** points of the quiz grade (override included) */
  score: number;
  /** points the quiz is worth */
  pointsPossible: number;
  /** what set the grade */
  source: 'auto' | 'manual' | 'override' | 'regrade';
  /** uuid of the grader; null for automatic grading */
  postedBy?: null | string;
  /** ISO-8601 UTC instant */
  postedAt: string;
}

/** content.delivery.file_deleted v1 */
export interface FileDeletedV1 {
  /** uuid of the file (the aggregate id and Kafka key) */
  fileId: string;
  /** uuid of the course the file belonged to */
  courseId: string;
  /** uuid of the module item it was attached to, if any */
  itemId?: null | string;
  /** the one version deleted; null when the whole file was */
  version?: null | number;
  /** bytes given back to the tenant's quota */
  releasedBytes: number;
  /** uuid of the staff member who deleted it */
  deletedBy: string;
  /** ISO-8601 UTC instant of the deletion */
  deletedAt: string;
  /** what deleted it: request (a DELETE by the course's staff) | item_deleted (its course item was deleted: course-service's course.management.item_deleted, whose deletedBy it carries); null from producers before it was added */
  trigger?: null | string;
}

/** content.delivery.file_uploaded v1 */
export interface FileUploadedV1 {
  /** uuid of the file (the aggregate id and Kafka key) */
  fileId: string;
  /** the version that became ready (1 for a new file) */
  version: number;
  /** uuid of the course the file belongs to */
  courseId: string;
  /** uuid of the module item it is attached to, if any */
  itemId?: null | string;
  /** uuid of the staff member who uploaded it */
  uploadedBy: string;
  /** the sanitised original file name (display text only) */
  name: string;
  /** media type detected from the bytes */
  mediaType: string;
  /** size of this version in bytes */
  sizeBytes: number;
  /** hex SHA-256 of this version's bytes */
  sha256: string;
  /** ISO-8601 UTC instant it became ready */
  uploadedAt: string;
}

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
  /** the member's course role: student | teacher | ta | observer (a string so a new role never breaks old readers); null from producers before it was added */
  role?: null | string;
  /** uuid of the section the member is in, if any */
  sectionId?: null | string;
  /** uuid of the user who made the change (the member themself when self-enrolling); null when the platform did it (the orientation enrolment of a new user) */
  actorId?: null | string;
}

/** course.management.item_deleted v1 */
export interface ItemDeletedV1 {
  /** uuid of the tenant the item belonged to (the envelope's tenantId too) */
  tenantId: string;
  /** uuid of the course (the aggregate id and Kafka key) */
  courseId: string;
  /** uuid of the module the item was in */
  moduleId: string;
  /** uuid of the deleted item */
  itemId: string;
  /** what the item was: page | file | link | assessment (a string so a new kind never breaks old readers) */
  kind: string;
  /** uuid of the file a file item referenced, if any */
  fileId?: null | string;
  /** uuid of the assessment an assessment item referenced, if any */
  assessmentId?: null | string;
  /** what was deleted: item (the item itself) | module (its module, with all its items); a string so a new cause never breaks old readers */
  cause: string;
  /** uuid of the staff member who deleted it */
  deletedBy: string;
  /** ISO-8601 UTC instant of the deletion */
  deletedAt: string;
}

/** course.management.schedule_changed v1 */
export interface ScheduleChangedV1 {
  /** uuid of the course (the aggregate id and Kafka key) */
  courseId: string;
  /** uuid of the module */
  moduleId: string;
  /** whether students see the module */
  published: boolean;
  /** ISO-8601 UTC instant the module opens; null for a module without a date (never due) */
  unlockAt?: null | string;
  /** uuids of the module's published items */
  itemIds: Array<string>;
  /** the module no longer exists: nothing of it is due */
  removed?: boolean;
  /** uuid of the staff member whose change this was */
  changedBy: string;
  /** ISO-8601 UTC instant of the change (the database clock once the module was locked) */
  changedAt: string;
}

/** course.progress.item_completed v1 */
export interface ItemCompletedV1 {
  /** uuid of the student */
  userId: string;
  /** uuid of the course (the aggregate id and Kafka key) */
  courseId: string;
  /** uuid of the completed item */
  itemId: string;
  /** uuid of the item's module */
  moduleId: string;
  /** the module's position in the course, from 0 (what a completion funnel orders by) */
  position: number;
  /** ISO-8601 UTC instant of the completion */
  completedAt: string;
}

/** user.authentication.session_ended v1 */
export interface SessionEndedV1 {
  /** uuid of the ended session: the session_id claim of its access tokens */
  sessionId: string;
  /** uuid of the session's user */
  userId: string;
  /** uuid of the tenant */
  tenantId: string;
  /** why it ended: signed_out, ended_by_user, refresh_token_reuse, user_deactivated, password_reset, ... (a string, so a new reason never breaks a reader) */
  reason: string;
  /** ISO-8601 UTC instant after which no access token of the session is valid anyway: verifiers may forget it then */
  expiresAt: string;
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

/** user.authentication.user_profile_changed v1 */
export interface UserProfileChangedV1 {
  /** uuid of the user */
  userId: string;
  /** uuid of the tenant */
  tenantId: string;
  /** the name after the change, at most 200 characters */
  displayName: string;
  /** the name before the change; null when there was none */
  previousDisplayName?: null | string;
  /** uuid of the acting user; null when the platform did it */
  changedBy?: null | string;
  /** ISO-8601 UTC instant of the change */
  changedAt: string;
}

/** user.authentication.user_reactivated v1 */
export interface UserReactivatedV1 {
  /** uuid of the reactivated user */
  userId: string;
  /** uuid of the tenant */
  tenantId: string;
  /** the user's status after the change: active | invited (a string so a new status never breaks old readers) */
  status: string;
  /** uuid of the acting user; null when the platform did it */
  reactivatedBy?: null | string;
  /** ISO-8601 UTC instant of the reactivation */
  reactivatedAt: string;
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
  /** the user's primary platform role (the highest of roles: super_admin > tenant_admin > instructor > student); null from producers before it was added */
  role?: null | string;
  /** how the account came to be: password | invitation | oidc | admin (a string so a new method never breaks old readers); null from producers before it was added */
  registrationMethod?: null | string;
  /** the user's display name as entered (sign-up, invitation, roster import) or given by the OIDC provider, at most 200 characters; null from producers before it was added */
  displayName?: null | string;
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
  'analytics.engagement.student_at_risk': StudentAtRiskV1;
  'assessment.attempt.submitted': SubmittedV1;
  'assessment.grading.grade_posted': GradePostedV1;
  'content.delivery.file_deleted': FileDeletedV1;
  'content.delivery.file_uploaded': FileUploadedV1;
  'course.management.enrollment_changed': EnrollmentChangedV1;
  'course.management.item_deleted': ItemDeletedV1;
  'course.management.schedule_changed': ScheduleChangedV1;
  'course.progress.item_completed': ItemCompletedV1;
  'user.authentication.session_ended': SessionEndedV1;
  'user.authentication.user_deactivated': UserDeactivatedV1;
  'user.authentication.user_profile_changed': UserProfileChangedV1;
  'user.authentication.user_reactivated': UserReactivatedV1;
  'user.authentication.user_registered': UserRegisteredV1;
  'user.authentication.user_role_changed': UserRoleChangedV1;
}
