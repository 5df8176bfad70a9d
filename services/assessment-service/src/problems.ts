import { defineProblems } from '@eduspry/common';
import { BUS_ADMIN_PROBLEMS } from '@eduspry/event-bus';

/** Every problem code assessment-service answers (the kit's own are included by defineProblems). */
export const problems = defineProblems({
  ...BUS_ADMIN_PROBLEMS,
  'not-course-staff': { status: 403, title: 'Only the course staff may do this' },
  'not-enrolled': { status: 403, title: 'Not an active student of this course' },
  'course-not-found': { status: 404, title: 'Course not found' },
  'course-service-unavailable': { status: 503, title: 'Course membership could not be checked' },
  'question-invalid': { status: 400, title: 'The question is not valid' },
  'answer-invalid': { status: 400, title: 'The answer does not fit the question' },
  'bank-not-found': { status: 404, title: 'Question bank not found' },
  'question-not-found': { status: 404, title: 'Question not found' },
  'quiz-not-found': { status: 404, title: 'Quiz not found' },
  'quiz-invalid': { status: 400, title: 'The quiz is not valid' },
  'quiz-not-available': { status: 403, title: 'The quiz is not available' },
  'quiz-not-open': { status: 409, title: 'The quiz is not open' },
  'access-code-required': { status: 403, title: 'The quiz needs its access code' },
  'no-attempts-left': { status: 409, title: 'No attempts left' },
  'not-enough-questions': { status: 409, title: 'A random section cannot draw enough questions' },
  'attempt-not-found': { status: 404, title: 'Attempt not found' },
  'attempt-submitted': { status: 409, title: 'The attempt is already submitted' },
  'attempt-deadline-passed': { status: 409, title: 'The attempt deadline has passed' },
  'question-position-not-found': { status: 404, title: 'No such question in this attempt' },
  'not-manually-graded': { status: 409, title: 'This question is graded automatically' },
  'rubric-not-found': { status: 404, title: 'Rubric not found' },
  'rubric-level-invalid': { status: 400, title: 'The rubric assessment names unknown criteria or levels' },
  'score-out-of-range': { status: 400, title: 'The score is outside the points of the question' },
  'version-not-found': { status: 404, title: 'Question version not found' },
  'category-not-found': { status: 404, title: 'Grade category not found' },
});
export type ProblemCode = keyof typeof problems.specs;
