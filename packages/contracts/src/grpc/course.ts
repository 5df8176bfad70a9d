import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type {
  CheckAccessRequest as _eduspry_course_v1_CheckAccessRequest,
  CheckAccessRequest__Output as _eduspry_course_v1_CheckAccessRequest__Output,
} from './eduspry/course/v1/CheckAccessRequest.ts';
import type {
  CheckAccessResponse as _eduspry_course_v1_CheckAccessResponse,
  CheckAccessResponse__Output as _eduspry_course_v1_CheckAccessResponse__Output,
} from './eduspry/course/v1/CheckAccessResponse.ts';
import type {
  CheckAccessStreamRequest as _eduspry_course_v1_CheckAccessStreamRequest,
  CheckAccessStreamRequest__Output as _eduspry_course_v1_CheckAccessStreamRequest__Output,
} from './eduspry/course/v1/CheckAccessStreamRequest.ts';
import type {
  CheckAccessStreamResponse as _eduspry_course_v1_CheckAccessStreamResponse,
  CheckAccessStreamResponse__Output as _eduspry_course_v1_CheckAccessStreamResponse__Output,
} from './eduspry/course/v1/CheckAccessStreamResponse.ts';
import type {
  CourseAccessClient as _eduspry_course_v1_CourseAccessClient,
  CourseAccessDefinition as _eduspry_course_v1_CourseAccessDefinition,
} from './eduspry/course/v1/CourseAccess.ts';
import type {
  Enrollment as _eduspry_course_v1_Enrollment,
  Enrollment__Output as _eduspry_course_v1_Enrollment__Output,
} from './eduspry/course/v1/Enrollment.ts';
import type {
  GetEnrollmentRequest as _eduspry_course_v1_GetEnrollmentRequest,
  GetEnrollmentRequest__Output as _eduspry_course_v1_GetEnrollmentRequest__Output,
} from './eduspry/course/v1/GetEnrollmentRequest.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new (...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  eduspry: {
    course: {
      v1: {
        CheckAccessRequest: MessageTypeDefinition<
          _eduspry_course_v1_CheckAccessRequest,
          _eduspry_course_v1_CheckAccessRequest__Output
        >;
        CheckAccessResponse: MessageTypeDefinition<
          _eduspry_course_v1_CheckAccessResponse,
          _eduspry_course_v1_CheckAccessResponse__Output
        >;
        CheckAccessStreamRequest: MessageTypeDefinition<
          _eduspry_course_v1_CheckAccessStreamRequest,
          _eduspry_course_v1_CheckAccessStreamRequest__Output
        >;
        CheckAccessStreamResponse: MessageTypeDefinition<
          _eduspry_course_v1_CheckAccessStreamResponse,
          _eduspry_course_v1_CheckAccessStreamResponse__Output
        >;
        CourseAccess: SubtypeConstructor<typeof grpc.Client, _eduspry_course_v1_CourseAccessClient> & {
          service: _eduspry_course_v1_CourseAccessDefinition;
        };
        Enrollment: MessageTypeDefinition<
          _eduspry_course_v1_Enrollment,
          _eduspry_course_v1_Enrollment__Output
        >;
        GetEnrollmentRequest: MessageTypeDefinition<
          _eduspry_course_v1_GetEnrollmentRequest,
          _eduspry_course_v1_GetEnrollmentRequest__Output
        >;
      };
    };
  };
}
