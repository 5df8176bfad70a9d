import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  bearerToken,
  createTokenVerifier,
  type ServiceApp,
  type Sql,
  type TokenVerifier,
  unauthorized,
} from '@eduspry/common';
import { serviceDb } from '@eduspry/common/testing';
import { OPERATIONS } from '@eduspry/contracts/graphql-operations';
import { buildApp as buildAssessment } from '../../assessment-service/src/app.ts';
import { type CourseAccess, grpcCourseAccess } from '../../assessment-service/src/grpc/course-access.ts';
import { startGrpcServer } from '../../course-service/src/grpc/server.ts';
import { createLoaders } from '../src/graphql/context.ts';
import { type Json, type Platform, startPlatform } from './helpers.ts';

// assessment-service as its main.ts builds it (its own role, RLS, CheckAccess over course-service's
// real gRPC server), listening on a free port, behind the gateway with auth and course-service.
// It starts first (the gateway needs its URL), so its token verifier and course access are bound
// once auth-service and course-service are up.
let p: Platform;
let assessment: ServiceApp;
let assessmentSql: Sql;
let courseGrpcSql: Sql;
let grpcServer: { port: number; close: () => Promise<void> };
let verifier: TokenVerifier;
let courses: CourseAccess;
const clock = { offsetMs: 0 };
const ISSUER = 'http://auth.gateway-test.eduspry';

before(async () => {
  assessmentSql = serviceDb('assessment-service');
  ({ app: assessment } = await buildAssessment({
    sql: assessmentSql,
    verifier: { verify: (token) => verifier.verify(token) },
    courses: {
      check: (authorization, request) => courses.check(authorization, request),
      close: () => courses.close(),
    },
    graceSeconds: 5,
    now: () => new Date(Date.now() + clock.offsetMs),
  }));
  const assessmentUrl = await assessment.listen({ host: '127.0.0.1', port: 0 });
  p = await startPlatform({ ASSESSMENT_SERVICE_URL: assessmentUrl, GATEWAY_UPSTREAM_ATTEMPTS: '1' });
  const authUrl = `http://127.0.0.1:${(p.auth.server.address() as { port: number }).port}`;
  verifier = createTokenVerifier({
    jwksUrl: `${authUrl}/.well-known/jwks.json`,
    issuer: ISSUER,
    audience: 'eduspry',
  });
  courseGrpcSql = serviceDb('course-service');
  grpcServer = await startGrpcServer({
    sql: courseGrpcSql,
    authenticate: async (header: string | undefined) => {
      const token = bearerToken(header);
      if (!token) throw unauthorized();
      return verifier.verify(token);
    },
    host: '127.0.0.1',
    port: 0,
  });
  courses = grpcCourseAccess({ address: `127.0.0.1:${grpcServer.port}`, timeoutMs: 5000, cacheSeconds: 0 });
});
after(async () => {
  await p.close();
  await assessment.close();
  courses.close();
  await grpcServer.close();
  await Promise.all([assessmentSql.end(), courseGrpcSql.end()]);
});

/** A call to a service's REST API through the gateway's pass-through, as `user`. */
async function rest(
  user: { token: string },
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  url: string,
  body?: Json,
) {
  const response = await p.gateway.inject({
    method,
    url,
    headers: { authorization: `Bearer ${user.token}` },
    ...(body === undefined ? {} : { payload: body }),
  });
  if (response.statusCode >= 300)
    throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return response.json();
}

const QUESTIONS: Json[] = [
  {
    title: 'Capital',
    spec: {
      type: 'multiple_choice',
      prompt: 'Capital of France?',
      shuffleChoices: false,
      choices: [
        { id: 'paris', text: 'Paris', correct: true, feedback: 'KEYFEEDBACK' },
        { id: 'lyon', text: 'Lyon' },
      ],
    },
  },
  { title: 'Wet', spec: { type: 'true_false', prompt: 'Water is wet', correct: true } },
  {
    title: 'Author',
    spec: { type: 'short_answer', prompt: 'Who wrote Hamlet?', accepted: [{ text: 'Shakespeare' }] },
  },
  {
    title: 'Essay',
    points: 2,
    spec: { type: 'essay', prompt: 'Explain gravity', graderNotes: 'HIDDENNOTE' },
  },
];

/**
 * A published course with a module, a student enrolled, and a quiz of QUESTIONS placed in it as
 * an assessment item (built through the gateway's REST pass-through, as staff tools would).
 */
async function quizCourse(settings: Json = {}, quizzes = 1) {
  const tenant = await p.tenant();
  const teacher = await p.user(tenant, ['instructor']);
  const created = await p.graphql(teacher.token, OPERATIONS.CreateCourse, {
    input: { code: `QZ-${randomUUID().slice(0, 6)}`, title: 'Quizzes 101' },
  });
  const courseId = created.body.data.createCourse.id as string;
  await p.graphql(teacher.token, OPERATIONS.SetCourseState, { courseId, state: 'published' });
  const module = await p.graphql(teacher.token, OPERATIONS.AddModule, {
    courseId,
    title: 'Week 1',
    published: true,
  });
  const moduleId = module.body.data.addModule.id as string;
  const bank = await rest(teacher, 'POST', '/api/assessment-service/banks', { courseId, title: 'Bank' });
  const questionIds: string[] = [];
  for (const question of QUESTIONS)
    questionIds.push(
      (await rest(teacher, 'POST', `/api/assessment-service/banks/${bank.id}/questions`, question)).id,
    );
  const items: { quizId: string; itemId: string }[] = [];
  for (let i = 0; i < quizzes; i++) {
    const quiz = await rest(teacher, 'POST', `/api/assessment-service/courses/${courseId}/quizzes`, {
      title: `Quiz ${i + 1}`,
      description: 'Answer every question.',
      sections: [{ kind: 'fixed', questionIds }],
      ...settings,
    });
    const item = await rest(
      teacher,
      'POST',
      `/api/course-service/courses/${courseId}/modules/${moduleId}/items`,
      {
        kind: 'assessment',
        title: `Quiz ${i + 1}`,
        assessmentId: quiz.id,
        published: true,
      },
    );
    await rest(teacher, 'PATCH', `/api/assessment-service/quizzes/${quiz.id}`, {
      courseItemId: item.id,
      published: true,
    });
    items.push({ quizId: quiz.id, itemId: item.id });
  }
  const student = await p.user(tenant);
  await p.graphql(student.token, OPERATIONS.Enroll, { courseId });
  return { tenant, teacher, student, courseId, ...items[0]!, items };
}

const noErrors = (answer: { body: Json }) =>
  assert.equal(answer.body.errors, undefined, JSON.stringify(answer.body.errors));

test('a student sees the quiz before starting, starts, autosaves, resumes and submits through GraphQL', async () => {
  const s = await quizCourse({ attemptsAllowed: 2, timeLimitSeconds: 600, releasePolicy: 'after_submit' });
  const before = await p.graphql(s.student.token, OPERATIONS.ItemPage, {
    courseId: s.courseId,
    itemId: s.itemId,
  });
  noErrors(before);
  const quiz = before.body.data.item.quiz;
  assert.equal(quiz.id, s.quizId);
  assert.equal(quiz.title, 'Quiz 1');
  assert.equal(quiz.description, 'Answer every question.');
  assert.equal(quiz.timeLimitSeconds, 600);
  assert.deepEqual([quiz.attemptsAllowed, quiz.attemptsUsed, quiz.accessCodeRequired], [2, 0, false]);
  assert.deepEqual(quiz.myAttempts, []);

  const started = await p.graphql(s.student.token, OPERATIONS.StartAttempt, {
    courseId: s.courseId,
    itemId: s.itemId,
  });
  noErrors(started);
  const attemptId = started.body.data.startAttempt.id as string;
  assert.equal(started.body.data.startAttempt.resumed, false);
  const again = await p.graphql(s.student.token, OPERATIONS.StartAttempt, {
    courseId: s.courseId,
    itemId: s.itemId,
  });
  assert.deepEqual(again.body.data.startAttempt, { id: attemptId, status: 'in_progress', resumed: true });

  const vars = { courseId: s.courseId, itemId: s.itemId, attemptId };
  const page = await p.graphql(s.student.token, OPERATIONS.AttemptPage, vars);
  noErrors(page);
  const attempt = page.body.data.attempt;
  assert.equal(attempt.status, 'in_progress');
  assert.ok(attempt.deadlineAt && attempt.timeRemainingSeconds > 500);
  // The delivery is assessment-service's own, key for key: the gateway adds and drops nothing.
  const upstream = await rest(s.student, 'GET', `/api/assessment-service/attempts/${attemptId}`);
  assert.deepEqual(
    attempt.questions.map((q: Json) => [q.position, q.type, q.payload, q.answer]),
    upstream.questions.map((q: Json) => [q.position, q.type, q.payload, q.answer]),
  );
  assert.ok(
    !JSON.stringify(attempt).includes('KEYFEEDBACK') && !JSON.stringify(attempt).includes('HIDDENNOTE'),
  );

  const byType = new Map(attempt.questions.map((q: Json) => [q.type, q]));
  const choice = byType.get('multiple_choice') as Json;
  const paris = choice.payload.choices.find((c: Json) => c.text === 'Paris').id;
  const answers: [Json, Json][] = [
    [choice, { choice: paris }],
    [byType.get('true_false'), { value: true }],
    [byType.get('short_answer'), { text: 'Shakespeare' }],
    [byType.get('essay'), { text: 'Mass attracts mass.' }],
  ];
  for (const [question, answer] of answers) {
    const saved = await p.graphql(s.student.token, OPERATIONS.SaveAnswer, {
      attemptId,
      position: question.position,
      answer,
    });
    noErrors(saved);
    assert.equal(saved.body.data.saveAnswer.position, question.position);
  }
  const resumed = await p.graphql(s.student.token, OPERATIONS.AttemptPage, vars);
  assert.deepEqual(
    resumed.body.data.attempt.questions.map((q: Json) => q.answer),
    attempt.questions.map(
      (q: Json) => answers.find(([question]) => question.position === q.position)?.[1] ?? null,
    ),
    'every saved answer comes back on reload',
  );

  const submitted = await p.graphql(s.student.token, OPERATIONS.SubmitAttempt, { attemptId });
  noErrors(submitted);
  assert.deepEqual(submitted.body.data.submitAttempt, {
    id: attemptId,
    status: 'submitted',
    score: 3,
    pointsPossible: 5,
    gradingState: 'pending',
    released: true,
  });
  const twice = await p.graphql(s.student.token, OPERATIONS.SubmitAttempt, { attemptId });
  assert.deepEqual(
    twice.body.data.submitAttempt,
    submitted.body.data.submitAttempt,
    'submitting again changes nothing',
  );
  const review = await p.graphql(s.student.token, OPERATIONS.AttemptPage, vars);
  const released = review.body.data.attempt.questions.find((q: Json) => q.type === 'multiple_choice');
  assert.equal(released.score, 1);
  assert.deepEqual(released.correct, { choice: paris });

  const afterwards = await p.graphql(s.student.token, OPERATIONS.ItemPage, {
    courseId: s.courseId,
    itemId: s.itemId,
  });
  const summary = afterwards.body.data.item.quiz;
  assert.equal(summary.attemptsUsed, 1);
  assert.deepEqual(
    summary.myAttempts.map((a: Json) => [a.id, a.number, a.status, a.score, a.released]),
    [[attemptId, 1, 'submitted', 3, true]],
  );
});

test('results stay hidden until the release policy allows', async () => {
  const s = await quizCourse({ releasePolicy: 'never' });
  const started = await p.graphql(s.student.token, OPERATIONS.StartAttempt, {
    courseId: s.courseId,
    itemId: s.itemId,
  });
  const attemptId = started.body.data.startAttempt.id;
  const submitted = await p.graphql(s.student.token, OPERATIONS.SubmitAttempt, { attemptId });
  assert.equal(submitted.body.data.submitAttempt.released, false);
  const page = await p.graphql(s.student.token, OPERATIONS.AttemptPage, {
    courseId: s.courseId,
    itemId: s.itemId,
    attemptId,
  });
  noErrors(page);
  for (const question of page.body.data.attempt.questions) {
    assert.equal(question.correct, null);
    assert.equal(question.score, null);
    assert.equal(question.feedback, null);
  }
});

test('the course’s staff see a running quiz live: who is in it, the question saved last, the channel; a student may not', async () => {
  const s = await quizCourse({ timeLimitSeconds: 600 });
  const vars = { courseId: s.courseId, itemId: s.itemId };
  const started = await p.graphql(s.student.token, OPERATIONS.StartAttempt, vars);
  const attemptId = started.body.data.startAttempt.id as string;
  for (const [position, answer] of [
    [1, { value: true }],
    [0, null],
  ] as const)
    noErrors(await p.graphql(s.student.token, OPERATIONS.SaveAnswer, { attemptId, position, answer }));

  const watched = await p.graphql(s.teacher.token, OPERATIONS.QuizLivePage, vars);
  noErrors(watched);
  const live = watched.body.data.item.quiz.live;
  assert.equal(live.quizId, s.quizId);
  assert.deepEqual(live.channel, { topic: `course-staff:${s.courseId}`, event: 'quiz_progress' });
  assert.ok(!Number.isNaN(Date.parse(live.now)));
  assert.equal(live.attempts.length, 1);
  const [attempt] = live.attempts;
  assert.deepEqual(
    [attempt.attemptId, attempt.userId, attempt.number, attempt.status, attempt.questionCount],
    [attemptId, s.student.id, 1, 'in_progress', QUESTIONS.length],
  );
  // The last save cleared question 0: it is where the student is, but only question 1 is answered.
  assert.deepEqual([attempt.position, attempt.answered, attempt.answeredPositions], [0, false, [1]]);
  assert.ok(attempt.deadlineAt && attempt.savedAt && attempt.submittedAt === null);
  // The tenant's admins watch too, without being enrolled.
  const principal = await p.user(s.tenant, ['tenant_admin']);
  const overseen = await p.graphql(principal.token, OPERATIONS.QuizLivePage, vars);
  noErrors(overseen);
  assert.deepEqual(
    overseen.body.data.item.quiz.live.attempts.map((a: Json) => a.attemptId),
    [attemptId],
  );

  // The student sees the quiz, not who else is in it.
  const peeked = await p.graphql(s.student.token, OPERATIONS.QuizLivePage, vars);
  assert.equal(peeked.body.data.item.quiz.id, s.quizId);
  assert.equal(peeked.body.data.item.quiz.live, null);
  // Neither the live view nor the roster its names come from.
  assert.deepEqual(peeked.body.errors.map((e: Json) => [e.path.join('.'), e.extensions.code]).sort(), [
    ['course.roster', 'FORBIDDEN'],
    ['item.quiz.live', 'FORBIDDEN'],
  ]);
});

test('quiz lookups asked together are one assessment-service call; each alias gets its own quiz', async () => {
  const s = await quizCourse({}, 3);
  const query = `query {
    ${s.items
      .map(
        (item, i) =>
          `i${i}: item(courseId: "${s.courseId}", itemId: "${item.itemId}") { id quiz { id attemptsUsed myAttempts { id } } }`,
      )
      .join('\n')}
  }`;
  const answer = await p.graphql(s.student.token, query);
  noErrors(answer);
  assert.deepEqual(
    s.items.map((_, i) => answer.body.data[`i${i}`].quiz.id),
    s.items.map((item) => item.quizId),
  );
  // Three item lookups on course-service, at most one quiz lookup per item (fewer when they line up).
  assert.ok(answer.upstreamCalls <= 6, `made ${answer.upstreamCalls} calls`);

  // The loader itself: 150 ids asked in one tick (duplicates and a non-uuid among them) are
  // two calls of at most 100 ids; the non-uuid is null without being sent.
  const calls: string[] = [];
  const fake = {
    get: async (path: string) => {
      calls.push(path);
      const ids = new URLSearchParams(path.split('?')[1]).getAll('ids');
      return { items: ids.map((id) => ({ id })) };
    },
    send: async () => ({}),
  };
  const loaders = createLoaders({ auth: fake, course: fake, analytics: fake, assessment: fake } as never);
  const ids = Array.from({ length: 150 }, () => randomUUID());
  const found = await Promise.all([...ids, ids[0]!, 'not-a-uuid'].map((id) => loaders.quiz.load(id)));
  assert.equal(calls.length, 2);
  assert.ok(calls.every((path) => path.startsWith('/me/quizzes?')));
  assert.deepEqual(
    found.map((quiz) => quiz?.id ?? null),
    [...ids, ids[0], null],
  );
});

test('bad input and other people’s attempts are clear GraphQL errors', async () => {
  const s = await quizCourse({ accessCode: 'OPEN-SESAME' });
  const code = (answer: { body: Json }) => answer.body.errors?.[0]?.extensions?.code;

  const noCode = await p.graphql(s.student.token, OPERATIONS.StartAttempt, {
    courseId: s.courseId,
    itemId: s.itemId,
  });
  assert.equal(code(noCode), 'ACCESS_CODE_REQUIRED');
  assert.equal(noCode.body.errors[0].extensions.problem, 'access-code-required');
  const started = await p.graphql(s.student.token, OPERATIONS.StartAttempt, {
    courseId: s.courseId,
    itemId: s.itemId,
    accessCode: 'OPEN-SESAME',
  });
  noErrors(started);
  const attemptId = started.body.data.startAttempt.id as string;
  const page = await p.graphql(s.student.token, OPERATIONS.AttemptPage, {
    courseId: s.courseId,
    itemId: s.itemId,
    attemptId,
  });
  const choice = page.body.data.attempt.questions.find((q: Json) => q.type === 'multiple_choice');

  // An answer that does not fit its question: a string where an object belongs, a wrong shape.
  for (const answer of ['{"choice": "not closed', { choice: 42 }, { choice: 'x', extra: true }]) {
    const refused = await p.graphql(s.student.token, OPERATIONS.SaveAnswer, {
      attemptId,
      position: choice.position,
      answer,
    });
    assert.equal(code(refused), 'ANSWER_INVALID', JSON.stringify(refused.body));
    assert.equal(refused.body.errors[0].extensions.status, 400);
  }
  // An answer literal written into the query goes the same way.
  const literal = await p.graphql(
    s.student.token,
    `mutation { saveAnswer(attemptId: "${attemptId}", position: ${choice.position}, answer: {choice: 7}) { position } }`,
  );
  assert.equal(code(literal), 'ANSWER_INVALID');
  const huge = await p.graphql(s.student.token, OPERATIONS.SaveAnswer, {
    attemptId,
    position: choice.position,
    answer: { text: 'x'.repeat(600 * 1024) },
  });
  assert.equal(code(huge), 'PAYLOAD_TOO_LARGE');
  assert.equal(huge.upstreamCalls, 0, 'refused before any call');
  const badPosition = await p.graphql(s.student.token, OPERATIONS.SaveAnswer, {
    attemptId,
    position: 999,
    answer: null,
  });
  assert.equal(code(badPosition), 'NOT_FOUND');
  assert.equal(badPosition.body.errors[0].extensions.problem, 'question-position-not-found');
  const notUuid = await p.graphql(s.student.token, OPERATIONS.SubmitAttempt, { attemptId: 'nope' });
  assert.equal(code(notUuid), 'BAD_USER_INPUT');
  assert.equal(notUuid.upstreamCalls, 0);

  // Unknown attempts and anyone else's are not found, whatever is asked of them.
  const other = await p.user(s.tenant);
  for (const [who, id] of [
    [s.student, randomUUID()],
    [other, attemptId],
  ] as const) {
    const read = await p.graphql(
      who.token,
      'query ($id: ID!) { attempt(id: $id) { id questions { payload } } }',
      { id },
    );
    assert.equal(read.body.data.attempt, null);
    assert.equal(code(read), 'NOT_FOUND');
    assert.equal(read.body.errors[0].extensions.problem, 'attempt-not-found');
    const save = await p.graphql(who.token, OPERATIONS.SaveAnswer, {
      attemptId: id,
      position: 0,
      answer: { value: true },
    });
    assert.equal(code(save), 'NOT_FOUND');
    const submit = await p.graphql(who.token, OPERATIONS.SubmitAttempt, { attemptId: id });
    assert.equal(code(submit), 'NOT_FOUND');
  }
  const notQuiz = await p.graphql(s.student.token, OPERATIONS.StartAttempt, {
    courseId: s.courseId,
    itemId: randomUUID(),
  });
  assert.equal(code(notQuiz), 'NOT_FOUND');

  // A save after the deadline + grace is the service's own code; the attempt is then submitted.
  await rest(s.teacher, 'PATCH', `/api/assessment-service/quizzes/${s.quizId}`, { timeLimitSeconds: 60 });
  const [late] = [await p.user(s.tenant)];
  await p.graphql(late!.token, OPERATIONS.Enroll, { courseId: s.courseId });
  const lateStart = await p.graphql(late!.token, OPERATIONS.StartAttempt, {
    courseId: s.courseId,
    itemId: s.itemId,
    accessCode: 'OPEN-SESAME',
  });
  const lateId = lateStart.body.data.startAttempt.id;
  clock.offsetMs = 120_000;
  try {
    const tooLate = await p.graphql(late!.token, OPERATIONS.SaveAnswer, {
      attemptId: lateId,
      position: 0,
      answer: null,
    });
    assert.equal(code(tooLate), 'ATTEMPT_DEADLINE_PASSED', JSON.stringify(tooLate.body));
    assert.ok(tooLate.body.errors[0].extensions.deadlineAt);
    const closed = await p.graphql(
      late!.token,
      'query ($id: ID!) { attempt(id: $id) { status autoSubmitted } }',
      {
        id: lateId,
      },
    );
    assert.deepEqual(closed.body.data.attempt, { status: 'submitted', autoSubmitted: true });
  } finally {
    clock.offsetMs = 0;
  }
});

test('staff see the whole gradebook; a student only their own grades, never the gradebook; another tenant nothing', async () => {
  const s = await quizCourse({ releasePolicy: 'after_submit' }, 2);
  const started = await p.graphql(s.student.token, OPERATIONS.StartAttempt, {
    courseId: s.courseId,
    itemId: s.itemId,
  });
  const attemptId = started.body.data.startAttempt.id as string;
  const attempt = await rest(s.student, 'GET', `/api/assessment-service/attempts/${attemptId}`);
  const essay = attempt.questions.find((q: Json) => q.type === 'essay');
  await p.graphql(s.student.token, OPERATIONS.SaveAnswer, {
    attemptId,
    position: essay.position,
    answer: { text: 'Mass attracts mass.' },
  });
  noErrors(await p.graphql(s.student.token, OPERATIONS.SubmitAttempt, { attemptId }));
  await rest(
    s.teacher,
    'POST',
    `/api/assessment-service/attempts/${attemptId}/questions/${essay.position}/grade`,
    {
      score: 2,
      feedback: 'Clear.',
    },
  );
  const idle = await p.user(s.tenant);
  await p.graphql(idle.token, OPERATIONS.Enroll, { courseId: s.courseId });

  const staff = await p.graphql(s.teacher.token, OPERATIONS.Gradebook, { id: s.courseId });
  noErrors(staff);
  const book = staff.body.data.course.gradebook;
  assert.equal(book.courseId, s.courseId);
  assert.deepEqual(
    book.quizzes.map((q: Json) => [q.id, q.title, q.pointsPossible]),
    s.items.map((item, i) => [item.quizId, `Quiz ${i + 1}`, 5]),
  );
  // Only students with a graded or submitted attempt have a row; the idle one has none yet.
  assert.equal(book.students.length, 1);
  const [row] = book.students;
  assert.equal(row.userId, s.student.id);
  assert.deepEqual(
    row.items.map((i: Json) => [i.quizId, i.score, i.pendingManual]),
    [
      [s.items[0]!.quizId, 2, false],
      [s.items[1]!.quizId, null, false],
    ],
  );
  assert.deepEqual([row.percent, row.letter], [40, 'F']);

  // The student: their own row only, the same numbers; the gradebook is refused, the course is not.
  const mine = await p.graphql(s.student.token, OPERATIONS.MyGrades, { id: s.courseId });
  noErrors(mine);
  assert.deepEqual(mine.body.data.course.myGrades, { ...book, students: [row] });
  const peeked = await p.graphql(s.student.token, OPERATIONS.Gradebook, { id: s.courseId });
  assert.equal(peeked.body.data.course.title, 'Quizzes 101');
  assert.equal(peeked.body.data.course.gradebook, null);
  assert.deepEqual(
    peeked.body.errors.map((e: Json) => [e.path.join('.'), e.extensions.code]),
    [['course.gradebook', 'FORBIDDEN']],
  );
  const empty = await p.graphql(idle.token, OPERATIONS.MyGrades, { id: s.courseId });
  noErrors(empty);
  assert.deepEqual(
    empty.body.data.course.myGrades.students.map((r: Json) => [r.userId, r.percent]),
    [[idle.id, null]],
  );

  // Another tenant's instructor does not see the course, let alone its grades.
  const stranger = await p.user(await p.tenant(), ['instructor']);
  for (const operation of [OPERATIONS.Gradebook, OPERATIONS.MyGrades]) {
    const answer = await p.graphql(stranger.token, operation, { id: s.courseId });
    assert.equal(answer.body.data.course, null);
  }

  // Aliases of one course's gradebook are one assessment-service call.
  const twice = await p.graphql(
    s.teacher.token,
    `query ($id: ID!) { a: course(id: $id) { gradebook { courseId } } b: course(id: $id) { gradebook { courseId } } }`,
    { id: s.courseId },
  );
  noErrors(twice);
  assert.equal(twice.upstreamCalls, 2, 'one course lookup, one gradebook');
});
