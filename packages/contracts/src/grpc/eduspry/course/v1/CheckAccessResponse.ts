// Original file: packages/contracts/proto/course.proto

export interface CheckAccessResponse {
  allowed?: boolean;
  /**
   * staff | enrolled | not-enrolled | waitlisted | course-not-published | module-not-published |
   * item-not-published | locked-until-date | prerequisite-incomplete
   */
  reason?: string;
}

export interface CheckAccessResponse__Output {
  allowed: boolean;
  /**
   * staff | enrolled | not-enrolled | waitlisted | course-not-published | module-not-published |
   * item-not-published | locked-until-date | prerequisite-incomplete
   */
  reason: string;
}
