/**
 * The upstream answers the resolvers read, as the upstreams' own route schemas say: generated
 * from packages/contracts/openapi/<service>.json (openapi-typescript, `npm run contracts:generate`),
 * never declared here by hand. A provider that renames or retypes a field the gateway reads breaks
 * `tsc` here, and its breaking-change gate, before anything runs.
 */
import type { paths as AssessmentService } from '@eduspry/contracts/openapi/assessment-service';
import type { paths as AuthService } from '@eduspry/contracts/openapi/auth-service';
import type { paths as CourseService } from '@eduspry/contracts/openapi/course-service';
import type { JsonAnswer } from '@eduspry/contracts/openapi-types';

/** course-service `GET /courses/{courseId}` (and each item of `GET /courses`). */
export type UpstreamCourse = JsonAnswer<CourseService, '/courses/{courseId}', 'get'>;
/** course-service `GET /courses`: one page of the catalog. */
export type UpstreamCoursePage = JsonAnswer<CourseService, '/courses', 'get'>;
/** course-service `POST /courses`: the course as created. */
export type UpstreamCreatedCourse = JsonAnswer<CourseService, '/courses', 'post', 201>;
/** course-service `PATCH /courses/{courseId}`. */
export type UpstreamUpdatedCourse = JsonAnswer<CourseService, '/courses/{courseId}', 'patch'>;
/** One module of course-service `GET /courses/{courseId}/modules`, with lock state and progress. */
export type UpstreamModule = JsonAnswer<CourseService, '/courses/{courseId}/modules', 'get'>[number];
/** course-service `POST /courses/{courseId}/modules`. */
export type UpstreamCreatedModule = JsonAnswer<CourseService, '/courses/{courseId}/modules', 'post', 201>;
/** course-service `PATCH /courses/{courseId}/modules/{moduleId}`. */
export type UpstreamUpdatedModule = JsonAnswer<
  CourseService,
  '/courses/{courseId}/modules/{moduleId}',
  'patch'
>;
/** One enrolment of course-service `GET /courses/{courseId}/enrollments` (a course's roster). */
export type UpstreamEnrollment = JsonAnswer<CourseService, '/courses/{courseId}/enrollments', 'get'>[number];
/** course-service `GET /progress`: the caller's progress per course. */
export type UpstreamProgressPage = JsonAnswer<CourseService, '/progress', 'get'>;
/** One course's progress (null where the caller is not enrolled). */
export type Progress = NonNullable<UpstreamProgressPage['items'][number]['progress']>;
/** auth-service `GET /tenants/{tenantId}/users`: one page of a tenant's users. */
export type UpstreamUserPage = JsonAnswer<AuthService, '/tenants/{tenantId}/users', 'get'>;
/** A user as auth-service's camelCase `/tenants/{tenantId}/users` answers it: the GraphQL User as is. */
export type UpstreamUser = UpstreamUserPage['items'][number];
/** auth-service `POST /tenants/{tenantId}/invitations`. */
export type UpstreamInvitation = JsonAnswer<AuthService, '/tenants/{tenantId}/invitations', 'post', 201>;
/** course-service `GET /courses/{courseId}/items/{itemId}`: an item with its content. */
export type UpstreamItem = JsonAnswer<CourseService, '/courses/{courseId}/items/{itemId}', 'get'>;
/** One quiz of assessment-service `GET /me/quizzes`: the caller's side of a quiz before starting. */
export type UpstreamMyQuiz = JsonAnswer<AssessmentService, '/me/quizzes', 'get'>['items'][number];
/** assessment-service `GET /attempts/{attemptId}`: the student's view of their attempt. */
export type UpstreamAttempt = JsonAnswer<AssessmentService, '/attempts/{attemptId}', 'get'>;
/** assessment-service `GET /quizzes/{quizId}/live`: the staff's snapshot of a running quiz. */
export type UpstreamLiveQuiz = JsonAnswer<AssessmentService, '/quizzes/{quizId}/live', 'get'>;
/** assessment-service `POST /quizzes/{quizId}/attempts`: started (201) or resumed (200). */
export type UpstreamStartedAttempt = JsonAnswer<AssessmentService, '/quizzes/{quizId}/attempts', 'post', 201>;
/** assessment-service `PUT /attempts/{attemptId}/answers/{position}`. */
export type UpstreamSavedAnswer = JsonAnswer<
  AssessmentService,
  '/attempts/{attemptId}/answers/{position}',
  'put'
>;
/** assessment-service `POST /attempts/{attemptId}/submit`. */
export type UpstreamSubmittedAttempt = JsonAnswer<AssessmentService, '/attempts/{attemptId}/submit', 'post'>;
/** assessment-service `GET /courses/{courseId}/gradebook`: every student's grades (staff). */
export type UpstreamGradebook = JsonAnswer<AssessmentService, '/courses/{courseId}/gradebook', 'get'>;
/** assessment-service `GET /courses/{courseId}/gradebook/me`: the caller's own grades. */
export type UpstreamMyGrades = JsonAnswer<AssessmentService, '/courses/{courseId}/gradebook/me', 'get'>;
