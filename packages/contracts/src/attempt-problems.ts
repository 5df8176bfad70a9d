/**
 * Problems of a student's quiz attempt that callers recognise by code: assessment-service
 * answers them (its catalog includes these), the gateway passes each on as its own GraphQL
 * `extensions.code` (`attempt-deadline-passed` → `ATTEMPT_DEADLINE_PASSED`), and the apps word
 * them in the user's language, without anyone needing assessment-service's package.
 */
export const ATTEMPT_PROBLEMS = {
  'answer-invalid': { status: 400, title: 'The answer does not fit the question' },
  'quiz-not-found': { status: 404, title: 'Quiz not found' },
  'quiz-not-available': { status: 403, title: 'The quiz is not available' },
  'quiz-not-open': { status: 409, title: 'The quiz is not open' },
  'access-code-required': { status: 403, title: 'The quiz needs its access code' },
  'no-attempts-left': { status: 409, title: 'No attempts left' },
  'not-enough-questions': { status: 409, title: 'A random section cannot draw enough questions' },
  'attempt-not-found': { status: 404, title: 'Attempt not found' },
  'attempt-submitted': { status: 409, title: 'The attempt is already submitted' },
  'attempt-deadline-passed': { status: 409, title: 'The attempt deadline has passed' },
  'question-position-not-found': { status: 404, title: 'No such question in this attempt' },
} as const;
export type AttemptProblemCode = keyof typeof ATTEMPT_PROBLEMS;

/** The GraphQL `extensions.code` of an attempt problem: `no-attempts-left` → `NO_ATTEMPTS_LEFT`. */
export const attemptErrorCode = (code: AttemptProblemCode) => code.toUpperCase().replaceAll('-', '_');
