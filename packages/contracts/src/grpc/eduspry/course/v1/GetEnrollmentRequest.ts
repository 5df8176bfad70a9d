// Original file: packages/contracts/proto/course.proto

export interface GetEnrollmentRequest {
  /**
   * Defaults to the token's subject.
   */
  user_id?: string;
  course_id?: string;
}

export interface GetEnrollmentRequest__Output {
  /**
   * Defaults to the token's subject.
   */
  user_id: string;
  course_id: string;
}
