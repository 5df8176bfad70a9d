// Original file: packages/contracts/proto/course.proto

export interface CheckAccessRequest {
  /**
   * Defaults to the token's subject.
   */
  user_id?: string;
  course_id?: string;
  /**
   * Optional: empty asks about the course as a whole.
   */
  item_id?: string;
}

export interface CheckAccessRequest__Output {
  /**
   * Defaults to the token's subject.
   */
  user_id: string;
  course_id: string;
  /**
   * Optional: empty asks about the course as a whole.
   */
  item_id: string;
}
