// Original file: packages/contracts/proto/course.proto

export interface Enrollment {
  id?: string;
  course_id?: string;
  user_id?: string;
  /**
   * student | teacher | ta | observer
   */
  role?: string;
  /**
   * active | waitlisted | dropped
   */
  status?: string;
  section_id?: string;
  created_at?: string;
}

export interface Enrollment__Output {
  id: string;
  course_id: string;
  user_id: string;
  /**
   * student | teacher | ta | observer
   */
  role: string;
  /**
   * active | waitlisted | dropped
   */
  status: string;
  section_id: string;
  created_at: string;
}
