// Original file: packages/contracts/proto/course.proto

export interface CheckAccessStreamRequest {
  /**
   * Chosen by the client (1-128 characters), echoed on the answer; unique among the stream's
   * unanswered checks.
   */
  id?: string;
  /**
   * Defaults to the token's subject.
   */
  user_id?: string;
  course_id?: string;
  /**
   * Optional: empty asks about the course as a whole.
   */
  item_id?: string;
  /**
   * Optional: this check's deadline in milliseconds from its arrival; 0 leaves only the stream's.
   */
  timeout_ms?: number;
}

export interface CheckAccessStreamRequest__Output {
  /**
   * Chosen by the client (1-128 characters), echoed on the answer; unique among the stream's
   * unanswered checks.
   */
  id: string;
  /**
   * Defaults to the token's subject.
   */
  user_id: string;
  course_id: string;
  /**
   * Optional: empty asks about the course as a whole.
   */
  item_id: string;
  /**
   * Optional: this check's deadline in milliseconds from its arrival; 0 leaves only the stream's.
   */
  timeout_ms: number;
}
