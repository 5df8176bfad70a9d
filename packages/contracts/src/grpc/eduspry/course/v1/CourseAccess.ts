// Original file: packages/contracts/proto/course.proto

import type * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import type {
  CheckAccessRequest as _eduspry_course_v1_CheckAccessRequest,
  CheckAccessRequest__Output as _eduspry_course_v1_CheckAccessRequest__Output,
} from '../../../eduspry/course/v1/CheckAccessRequest.ts';
import type {
  CheckAccessResponse as _eduspry_course_v1_CheckAccessResponse,
  CheckAccessResponse__Output as _eduspry_course_v1_CheckAccessResponse__Output,
} from '../../../eduspry/course/v1/CheckAccessResponse.ts';
import type {
  CheckAccessStreamRequest as _eduspry_course_v1_CheckAccessStreamRequest,
  CheckAccessStreamRequest__Output as _eduspry_course_v1_CheckAccessStreamRequest__Output,
} from '../../../eduspry/course/v1/CheckAccessStreamRequest.ts';
import type {
  CheckAccessStreamResponse as _eduspry_course_v1_CheckAccessStreamResponse,
  CheckAccessStreamResponse__Output as _eduspry_course_v1_CheckAccessStreamResponse__Output,
} from '../../../eduspry/course/v1/CheckAccessStreamResponse.ts';
import type {
  Enrollment as _eduspry_course_v1_Enrollment,
  Enrollment__Output as _eduspry_course_v1_Enrollment__Output,
} from '../../../eduspry/course/v1/Enrollment.ts';
import type {
  GetEnrollmentRequest as _eduspry_course_v1_GetEnrollmentRequest,
  GetEnrollmentRequest__Output as _eduspry_course_v1_GetEnrollmentRequest__Output,
} from '../../../eduspry/course/v1/GetEnrollmentRequest.ts';

export interface CourseAccessClient extends grpc.Client {
  /**
   * May `user_id` open `item_id` (or, without item_id, the course)? Denials are answers
   * (allowed=false with a reason), not errors. NOT_FOUND: the course or item does not exist
   * for the caller. PERMISSION_DENIED: asking about another user without being their course's
   * staff. INVALID_ARGUMENT: malformed ids. UNAUTHENTICATED: missing or invalid token.
   * DEADLINE_EXCEEDED: the caller's deadline passed before the answer was ready.
   */
  CheckAccess(
    argument: _eduspry_course_v1_CheckAccessRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_eduspry_course_v1_CheckAccessResponse__Output>,
  ): grpc.ClientUnaryCall;
  CheckAccess(
    argument: _eduspry_course_v1_CheckAccessRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_eduspry_course_v1_CheckAccessResponse__Output>,
  ): grpc.ClientUnaryCall;
  CheckAccess(
    argument: _eduspry_course_v1_CheckAccessRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_eduspry_course_v1_CheckAccessResponse__Output>,
  ): grpc.ClientUnaryCall;
  CheckAccess(
    argument: _eduspry_course_v1_CheckAccessRequest,
    callback: grpc.requestCallback<_eduspry_course_v1_CheckAccessResponse__Output>,
  ): grpc.ClientUnaryCall;
  /**
   * May `user_id` open `item_id` (or, without item_id, the course)? Denials are answers
   * (allowed=false with a reason), not errors. NOT_FOUND: the course or item does not exist
   * for the caller. PERMISSION_DENIED: asking about another user without being their course's
   * staff. INVALID_ARGUMENT: malformed ids. UNAUTHENTICATED: missing or invalid token.
   * DEADLINE_EXCEEDED: the caller's deadline passed before the answer was ready.
   */
  checkAccess(
    argument: _eduspry_course_v1_CheckAccessRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_eduspry_course_v1_CheckAccessResponse__Output>,
  ): grpc.ClientUnaryCall;
  checkAccess(
    argument: _eduspry_course_v1_CheckAccessRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_eduspry_course_v1_CheckAccessResponse__Output>,
  ): grpc.ClientUnaryCall;
  checkAccess(
    argument: _eduspry_course_v1_CheckAccessRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_eduspry_course_v1_CheckAccessResponse__Output>,
  ): grpc.ClientUnaryCall;
  checkAccess(
    argument: _eduspry_course_v1_CheckAccessRequest,
    callback: grpc.requestCallback<_eduspry_course_v1_CheckAccessResponse__Output>,
  ): grpc.ClientUnaryCall;

  /**
   * Many CheckAccess questions over one call, for a page that needs many answers (a course's
   * file listing, a batch of signed URLs). Each request carries a client-chosen `id` that its
   * one response echoes; responses may come in any order. The call's token (metadata) and
   * deadline cover the whole stream; `timeout_ms` bounds one check. A failed check is an
   * answer (a non-zero `code`), never the stream's end. The server answers checks that arrive
   * together with few queries and keeps a bounded number in flight per stream: it stops reading
   * (HTTP/2 flow control pushes back on the sender) while that many are unanswered or while
   * the client does not read its answers. The stream itself ends with UNAUTHENTICATED (missing,
   * invalid or expired token) or DEADLINE_EXCEEDED / CANCELLED; after the client half-closes,
   * every pending check is answered and the server ends the stream with OK.
   */
  CheckAccessStream(
    metadata: grpc.Metadata,
    options?: grpc.CallOptions,
  ): grpc.ClientDuplexStream<
    _eduspry_course_v1_CheckAccessStreamRequest,
    _eduspry_course_v1_CheckAccessStreamResponse__Output
  >;
  CheckAccessStream(
    options?: grpc.CallOptions,
  ): grpc.ClientDuplexStream<
    _eduspry_course_v1_CheckAccessStreamRequest,
    _eduspry_course_v1_CheckAccessStreamResponse__Output
  >;
  /**
   * Many CheckAccess questions over one call, for a page that needs many answers (a course's
   * file listing, a batch of signed URLs). Each request carries a client-chosen `id` that its
   * one response echoes; responses may come in any order. The call's token (metadata) and
   * deadline cover the whole stream; `timeout_ms` bounds one check. A failed check is an
   * answer (a non-zero `code`), never the stream's end. The server answers checks that arrive
   * together with few queries and keeps a bounded number in flight per stream: it stops reading
   * (HTTP/2 flow control pushes back on the sender) while that many are unanswered or while
   * the client does not read its answers. The stream itself ends with UNAUTHENTICATED (missing,
   * invalid or expired token) or DEADLINE_EXCEEDED / CANCELLED; after the client half-closes,
   * every pending check is answered and the server ends the stream with OK.
   */
  checkAccessStream(
    metadata: grpc.Metadata,
    options?: grpc.CallOptions,
  ): grpc.ClientDuplexStream<
    _eduspry_course_v1_CheckAccessStreamRequest,
    _eduspry_course_v1_CheckAccessStreamResponse__Output
  >;
  checkAccessStream(
    options?: grpc.CallOptions,
  ): grpc.ClientDuplexStream<
    _eduspry_course_v1_CheckAccessStreamRequest,
    _eduspry_course_v1_CheckAccessStreamResponse__Output
  >;

  /**
   * A user's enrolment in a course. NOT_FOUND if there is none (or no such course).
   */
  GetEnrollment(
    argument: _eduspry_course_v1_GetEnrollmentRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_eduspry_course_v1_Enrollment__Output>,
  ): grpc.ClientUnaryCall;
  GetEnrollment(
    argument: _eduspry_course_v1_GetEnrollmentRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_eduspry_course_v1_Enrollment__Output>,
  ): grpc.ClientUnaryCall;
  GetEnrollment(
    argument: _eduspry_course_v1_GetEnrollmentRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_eduspry_course_v1_Enrollment__Output>,
  ): grpc.ClientUnaryCall;
  GetEnrollment(
    argument: _eduspry_course_v1_GetEnrollmentRequest,
    callback: grpc.requestCallback<_eduspry_course_v1_Enrollment__Output>,
  ): grpc.ClientUnaryCall;
  /**
   * A user's enrolment in a course. NOT_FOUND if there is none (or no such course).
   */
  getEnrollment(
    argument: _eduspry_course_v1_GetEnrollmentRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_eduspry_course_v1_Enrollment__Output>,
  ): grpc.ClientUnaryCall;
  getEnrollment(
    argument: _eduspry_course_v1_GetEnrollmentRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_eduspry_course_v1_Enrollment__Output>,
  ): grpc.ClientUnaryCall;
  getEnrollment(
    argument: _eduspry_course_v1_GetEnrollmentRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_eduspry_course_v1_Enrollment__Output>,
  ): grpc.ClientUnaryCall;
  getEnrollment(
    argument: _eduspry_course_v1_GetEnrollmentRequest,
    callback: grpc.requestCallback<_eduspry_course_v1_Enrollment__Output>,
  ): grpc.ClientUnaryCall;
}

export interface CourseAccessHandlers extends grpc.UntypedServiceImplementation {
  /**
   * May `user_id` open `item_id` (or, without item_id, the course)? Denials are answers
   * (allowed=false with a reason), not errors. NOT_FOUND: the course or item does not exist
   * for the caller. PERMISSION_DENIED: asking about another user without being their course's
   * staff. INVALID_ARGUMENT: malformed ids. UNAUTHENTICATED: missing or invalid token.
   * DEADLINE_EXCEEDED: the caller's deadline passed before the answer was ready.
   */
  CheckAccess: grpc.handleUnaryCall<
    _eduspry_course_v1_CheckAccessRequest__Output,
    _eduspry_course_v1_CheckAccessResponse
  >;

  /**
   * Many CheckAccess questions over one call, for a page that needs many answers (a course's
   * file listing, a batch of signed URLs). Each request carries a client-chosen `id` that its
   * one response echoes; responses may come in any order. The call's token (metadata) and
   * deadline cover the whole stream; `timeout_ms` bounds one check. A failed check is an
   * answer (a non-zero `code`), never the stream's end. The server answers checks that arrive
   * together with few queries and keeps a bounded number in flight per stream: it stops reading
   * (HTTP/2 flow control pushes back on the sender) while that many are unanswered or while
   * the client does not read its answers. The stream itself ends with UNAUTHENTICATED (missing,
   * invalid or expired token) or DEADLINE_EXCEEDED / CANCELLED; after the client half-closes,
   * every pending check is answered and the server ends the stream with OK.
   */
  CheckAccessStream: grpc.handleBidiStreamingCall<
    _eduspry_course_v1_CheckAccessStreamRequest__Output,
    _eduspry_course_v1_CheckAccessStreamResponse
  >;

  /**
   * A user's enrolment in a course. NOT_FOUND if there is none (or no such course).
   */
  GetEnrollment: grpc.handleUnaryCall<
    _eduspry_course_v1_GetEnrollmentRequest__Output,
    _eduspry_course_v1_Enrollment
  >;
}

export interface CourseAccessDefinition extends grpc.ServiceDefinition {
  CheckAccess: MethodDefinition<
    _eduspry_course_v1_CheckAccessRequest,
    _eduspry_course_v1_CheckAccessResponse,
    _eduspry_course_v1_CheckAccessRequest__Output,
    _eduspry_course_v1_CheckAccessResponse__Output
  >;
  CheckAccessStream: MethodDefinition<
    _eduspry_course_v1_CheckAccessStreamRequest,
    _eduspry_course_v1_CheckAccessStreamResponse,
    _eduspry_course_v1_CheckAccessStreamRequest__Output,
    _eduspry_course_v1_CheckAccessStreamResponse__Output
  >;
  GetEnrollment: MethodDefinition<
    _eduspry_course_v1_GetEnrollmentRequest,
    _eduspry_course_v1_Enrollment,
    _eduspry_course_v1_GetEnrollmentRequest__Output,
    _eduspry_course_v1_Enrollment__Output
  >;
}
