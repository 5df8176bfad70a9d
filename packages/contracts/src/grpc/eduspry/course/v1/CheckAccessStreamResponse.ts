// Original file: packages/contracts/proto/course.proto

export interface CheckAccessStreamResponse {
  /**
   * The request's id.
   */
  id?: string;
  /**
   * As CheckAccessResponse; false whenever `code` is not 0.
   */
  allowed?: boolean;
  reason?: string;
  /**
   * 0 (OK) for an answer; else the gRPC status code CheckAccess would have failed with for this
   * check alone: INVALID_ARGUMENT (malformed ids, a missing or duplicate id), NOT_FOUND,
   * PERMISSION_DENIED, DEADLINE_EXCEEDED (its `timeout_ms` passed), UNAVAILABLE, INTERNAL.
   */
  code?: number;
  /**
   * What went wrong when `code` is not 0.
   */
  message?: string;
}

export interface CheckAccessStreamResponse__Output {
  /**
   * The request's id.
   */
  id: string;
  /**
   * As CheckAccessResponse; false whenever `code` is not 0.
   */
  allowed: boolean;
  reason: string;
  /**
   * 0 (OK) for an answer; else the gRPC status code CheckAccess would have failed with for this
   * check alone: INVALID_ARGUMENT (malformed ids, a missing or duplicate id), NOT_FOUND,
   * PERMISSION_DENIED, DEADLINE_EXCEEDED (its `timeout_ms` passed), UNAVAILABLE, INTERNAL.
   */
  code: number;
  /**
   * What went wrong when `code` is not 0.
   */
  message: string;
}
