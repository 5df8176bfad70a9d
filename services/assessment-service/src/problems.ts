import { defineProblems } from '@eduspry/common';
import { ATTEMPT_PROBLEMS } from '@eduspry/contracts';
import { BUS_ADMIN_PROBLEMS } from '@eduspry/event-bus';

/** Every problem code assessment-service answers (the kit's own are included by defineProblems). */
export const problems = defineProblems({
  ...BUS_ADMIN_PROBLEMS,
  // What a student's attempt can run into: the gateway and the apps know these by code.
  ...ATTEMPT_PROBLEMS,
  'not-course-staff': { status: 403, title: 'Only the course staff may do this' },
  'not-enrolled': { status: 403, title: 'Not an active student of this course' },
  'course-not-found': { status: 404, title: 'Course not found' },
  'course-service-unavailable': { status: 503, title: 'Course membership could not be checked' },
  'question-invalid': { status: 400, title: 'The question is not valid' },
  'bank-not-found': { status: 404, title: 'Question bank not found' },
  'question-not-found': { status: 404, title: 'Question not found' },
  'quiz-invalid': { status: 400, title: 'The quiz is not valid' },
  'not-manually-graded': { status: 409, title: 'This question is graded automatically' },
  'rubric-not-found': { status: 404, title: 'Rubric not found' },
  'rubric-level-invalid': { status: 400, title: 'The rubric assessment names unknown criteria or levels' },
  'score-out-of-range': { status: 400, title: 'The score is outside the points of the question' },
  'version-not-found': { status: 404, title: 'Question version not found' },
  'category-not-found': { status: 404, title: 'Grade category not found' },
  'qti-invalid': { status: 400, title: 'The file is not a QTI 2.1 package or assessment item' },
  'qti-unsafe': { status: 400, title: 'The QTI file was refused as unsafe' },
  'qti-too-large': { status: 413, title: 'The QTI package is too large' },
});
export type ProblemCode = keyof typeof problems.specs;
