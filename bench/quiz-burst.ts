// The 9:00 exam: 300 students of one course press Start on the same 40-question quiz within
// one second, each autosaves 40 answers and submits (auto-grading included). Reports errors and
// p99 of start, save and submit; start throughput against pgbench running the start
// transaction's SQL (same role, same claims, same RLS) in the same run. Then: regrading 10,000
// submitted 40-question attempts after a key change (attempts/s), and the gradebook of a
// 300-student course with 40 graded quizzes (p95). course-service's gRPC CheckAccess and
// assessment-service each run in their own process.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { createDb } from '@eduspry/common';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { DURATION, pgbench, ratio, report, serveInChild } from './lib/measure.ts';

const STUDENTS = 300;
const QUESTIONS = 40;
const REGRADE_ATTEMPTS = Number(process.env.BENCH_REGRADE_ATTEMPTS ?? 10_000);
const GRADEBOOK_QUIZZES = 40;
const ISSUER = 'https://auth.bench.eduspry';
const TENANT = '00000000-0000-4000-8000-0000000a55e5';
const COURSE = '00000000-0000-4000-8000-0000000c0a5e';
const MODULE = '00000000-0000-4000-8000-0000000d0d01';
const ITEM = '00000000-0000-4000-8000-0000000e1e01';
const TEACHER = '00000000-0000-4000-8000-000000007eac';
/** The regrade runs in a course of its own, so the gradebook below stays 300 × 40. */
const REGRADE_COURSE = '00000000-0000-4000-8000-0000000c0a5f';
// biome-ignore lint/suspicious/noExplicitAny: JSON replies of the service
type Json = any;
const progress = (step: string) => process.stderr.write(`quiz-burst: ${step}\n`);

const admin = createDb(process.env.DATABASE_URL!, { applicationName: 'bench-quiz-burst-setup', max: 2 });
const studentIds = Array.from(
  { length: STUDENTS },
  (_, i) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
);
await admin`insert into identity.tenants (id, slug, name) values (${TENANT}, 'bench-quiz-burst', 'Bench quiz burst')`;
await admin`insert into course.courses (id, tenant_id, code, title, state) values (${COURSE}, ${TENANT}, 'EXAM-1', 'Exam course', 'published')`;
await admin`insert into course.modules (id, tenant_id, course_id, position, title, published) values (${MODULE}, ${TENANT}, ${COURSE}, 0, 'Exams', true)`;
await admin`
  insert into course.items (id, tenant_id, course_id, module_id, position, kind, title, assessment_id, published)
  values (${ITEM}, ${TENANT}, ${COURSE}, ${MODULE}, 0, 'assessment', 'Final exam', ${randomUUID()}, true)`;
await admin`
  insert into course.enrollments (tenant_id, course_id, user_id, role, status)
  select ${TENANT}, ${COURSE}, u, 'student', 'active' from unnest(${studentIds}::uuid[]) as u`;
await admin`insert into course.courses (id, tenant_id, code, title, state) values (${REGRADE_COURSE}, ${TENANT}, 'REGRADE-1', 'Regrade course', 'published')`;
await admin`
  insert into course.enrollments (tenant_id, course_id, user_id, role, status)
  values (${TENANT}, ${COURSE}, ${TEACHER}, 'teacher', 'active'), (${TENANT}, ${REGRADE_COURSE}, ${TEACHER}, 'teacher', 'active')`;

const keys = await generateKeyPair('ES256');
const jwks = { keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'bench', alg: 'ES256' }] };
const sign = (sub: string, roles: string[]) =>
  new SignJWT({ role: 'authenticated', app_metadata: { tenant_id: TENANT, roles } })
    .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience('eduspry')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(keys.privateKey);
const teacherToken = await sign(TEACHER, ['instructor']);
const studentTokens = await Promise.all(studentIds.map((id) => sign(id, ['student'])));

const env = { ...process.env, BENCH_JWKS: JSON.stringify(jwks), BENCH_ISSUER: ISSUER };
const serverModule = new URL('./lib/assessment-server.ts', import.meta.url).pathname;
const grpc = await serveInChild(serverModule, ['course-grpc'], env);
const service = await serveInChild(serverModule, ['assessment'], {
  ...env,
  BENCH_COURSE_GRPC: `127.0.0.1:${grpc.port}`,
});

const agent = new Agent({ keepAlive: true, maxSockets: 400 });
function call(
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json; ms: number }> {
  const started = performance.now();
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: service.port,
        method,
        path,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c) => chunks.push(c));
        response.once('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = text;
          }
          resolve({ status: response.statusCode!, body: parsed, ms: performance.now() - started });
        });
      },
    );
    req.once('error', () => resolve({ status: 0, body: undefined, ms: performance.now() - started }));
    req.end(payload);
  });
}
const must = async (reply: Promise<{ status: number; body: Json }>, status = 201) => {
  const r = await reply;
  if (r.status !== status)
    throw new Error(`setup: expected ${status}, got ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

// The exam: 40 auto-graded questions of four kinds, authored through the API.
const bank = await must(call(teacherToken, 'POST', '/banks', { title: 'Exam bank (shared by the tenant)' }));
const questionIds: string[] = [];
const specs = (i: number) =>
  [
    {
      type: 'multiple_choice',
      prompt: `Q${i}`,
      choices: [
        { id: 'a', text: 'A', correct: true },
        { id: 'b', text: 'B' },
        { id: 'c', text: 'C' },
        { id: 'd', text: 'D' },
      ],
    },
    { type: 'true_false', prompt: `Q${i}`, correct: i % 2 === 0 },
    { type: 'numerical', prompt: `Q${i}`, answers: [{ value: i, tolerance: 0.5 }] },
    { type: 'short_answer', prompt: `Q${i}`, accepted: [{ text: `answer ${i}` }, { text: `ans*${i}` }] },
  ][i % 4];
for (let i = 0; i < QUESTIONS; i++)
  questionIds.push(
    (
      await must(
        call(teacherToken, 'POST', `/banks/${bank.id}/questions`, { title: `Q${i}`, spec: specs(i) }),
      )
    ).id,
  );
const quiz = await must(
  call(teacherToken, 'POST', `/courses/${COURSE}/quizzes`, {
    title: 'Final exam',
    courseItemId: ITEM,
    published: true,
    timeLimitSeconds: 3600,
    shuffleQuestions: true,
    sections: [{ kind: 'fixed', questionIds }],
  }),
);
progress('data and quiz ready');

const answerFor = (q: { type: string; payload: Json }, i: number) =>
  q.type === 'multiple_choice'
    ? { choice: q.payload.choices[i % q.payload.choices.length].id }
    : q.type === 'true_false'
      ? { value: i % 2 === 0 }
      : q.type === 'numerical'
        ? { text: String(i) }
        : { text: `answer ${i}` };

// The burst: every student's Start is due at i/300 s; then 40 saves one after another, then submit.
const starts: number[] = [];
const saves: number[] = [];
const submits: number[] = [];
let errors = 0;
const errorSamples: string[] = [];
const fail = (what: string, r: { status: number; body: Json }) => {
  errors++;
  if (errorSamples.length < 5)
    errorSamples.push(`${what} ${r.status} ${JSON.stringify(r.body)?.slice(0, 200)}`);
};
const burstStarted = performance.now();
let lastStartDone = 0;
await Promise.all(
  studentTokens.map(async (token, i) => {
    const due = burstStarted + (i * 1000) / STUDENTS;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    const start = await call(token, 'POST', `/quizzes/${quiz.id}/attempts`, {});
    starts.push(start.ms);
    lastStartDone = Math.max(lastStartDone, performance.now());
    if (start.status !== 201) return fail('start', start);
    for (const q of start.body.questions) {
      const save = await call(token, 'PUT', `/attempts/${start.body.id}/answers/${q.position}`, {
        answer: answerFor(q, q.position),
      });
      saves.push(save.ms);
      if (save.status !== 200) fail('save', save);
    }
    const submit = await call(token, 'POST', `/attempts/${start.body.id}/submit`);
    submits.push(submit.ms);
    if (submit.status !== 200 || submit.body.status !== 'submitted') fail('submit', submit);
  }),
);
const burstSeconds = (performance.now() - burstStarted) / 1000;
const startsPerSecond = Math.round(STUDENTS / ((lastStartDone - burstStarted) / 1000));
const pct = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
};
progress(`burst done in ${burstSeconds.toFixed(1)} s, ${errors} errors`);

// The database's own ceiling for the start transaction: the same statements the service sends
// (read attempts, accommodation, sections, candidate questions; insert the attempt and its 40
// questions), under a student's claims, as assessment_service, each with a fresh student id.
const claims = (sub: string) =>
  JSON.stringify({ sub, role: 'authenticated', app_metadata: { tenant_id: TENANT, roles: ['student'] } });
const startSql = `\\set n random(1, 1000000000)
begin;
select set_config('request.jwt.claims', '${claims(studentIds[0]!)}', true), set_config('role', 'authenticated', true);
select id, status, number from assessment.attempts where quiz_id = '${quiz.id}' and user_id = md5('pg' || :n)::uuid order by number;
select * from assessment.accommodations where quiz_id = '${quiz.id}' and user_id = md5('pg' || :n)::uuid;
select * from assessment.quiz_sections where quiz_id = '${quiz.id}' order by position;
select q.id, q.current_version, v.points, v.type, v.spec, q.bank_id, q.tags from assessment.questions q
  join assessment.question_versions v on v.question_id = q.id and v.version = q.current_version
  where q.id = any(array(select unnest(question_ids) from assessment.quiz_sections where quiz_id = '${quiz.id}')) order by q.created_at, q.id;
with a as (
  insert into assessment.attempts (tenant_id, quiz_id, course_id, user_id, number, seed, started_at, deadline_at, points_possible)
  values ('${TENANT}', '${quiz.id}', '${COURSE}', md5('pg' || :n)::uuid, 1, 'seed', now(), now() + interval '1 hour', ${QUESTIONS})
  on conflict (quiz_id, user_id, number) do nothing returning id)
insert into assessment.attempt_questions (tenant_id, attempt_id, position, question_id, version, points, drawn)
  select '${TENANT}', a.id, p - 1, (array[${questionIds.map((id) => `'${id}'::uuid`).join(',')}])[p], 1, 1, '{"order":["a","b","c","d"],"tokens":{"x1":"a","x2":"b","x3":"c","x4":"d"}}'::jsonb
  from a, generate_series(1, ${QUESTIONS}) as p;
commit;
`;
const pg = await pgbench(startSql, process.env.ASSESSMENT_SERVICE_DATABASE_URL!, 20);
progress('pgbench done');

// Regrade: REGRADE_ATTEMPTS submitted attempts of a 40-question quiz, then a key change.
const regradeQuiz = await must(
  call(teacherToken, 'POST', `/courses/${COURSE}/quizzes`, {
    title: 'Regraded quiz',
    published: true,
    sections: [{ kind: 'fixed', questionIds }],
  }),
);
await admin`set session_replication_role = replica`;
await admin`
  insert into assessment.attempts (id, tenant_id, quiz_id, course_id, user_id, number, seed, status, started_at, submitted_at, grading_state, score, points_possible)
  select md5('regrade' || n)::uuid, ${TENANT}, ${regradeQuiz.id}, ${REGRADE_COURSE}, md5('regrade-user' || n)::uuid, 1, 'seed', 'submitted',
         now() - interval '1 hour', now(), 'complete', 0, ${QUESTIONS}
  from generate_series(1, ${REGRADE_ATTEMPTS}) as n`;
const versions = await admin<{ id: string; type: string; spec: Json }[]>`
  select q.id, v.type, v.spec from assessment.questions q join assessment.question_versions v on v.question_id = q.id and v.version = 1
  where q.id = any(${questionIds}::uuid[])`;
const specOf = new Map(versions.map((v) => [v.id, v]));
const drawnOf = (id: string) =>
  specOf.get(id)!.type === 'multiple_choice'
    ? { order: ['a', 'b', 'c', 'd'], tokens: { ta: 'a', tb: 'b', tc: 'c', td: 'd' } }
    : {};
const answerSql = (id: string, i: number) => {
  const t = specOf.get(id)!.type;
  return t === 'multiple_choice'
    ? { choice: 'ta' }
    : t === 'true_false'
      ? { value: true }
      : t === 'numerical'
        ? { text: String(i) }
        : { text: `answer ${i}` };
};
const template = questionIds.map((id, position) => ({
  position,
  question_id: id,
  drawn: drawnOf(id),
  answer: answerSql(id, position),
}));
await admin`
  insert into assessment.attempt_questions (tenant_id, attempt_id, position, question_id, version, points, drawn, answer, fraction, score)
  select ${TENANT}, md5('regrade' || n)::uuid, t.position, t.question_id, 1, 1, t.drawn, t.answer, 0, 0
  from generate_series(1, ${REGRADE_ATTEMPTS}) as n,
       jsonb_to_recordset(${admin.json(template as never)}) as t(position int, question_id uuid, drawn jsonb, answer jsonb)`;
await admin`set session_replication_role = origin`;
await admin`vacuum analyze assessment.attempt_questions`;
await admin`vacuum analyze assessment.attempts`;
const tf = questionIds[1]!;
await must(
  call(teacherToken, 'PATCH', `/questions/${tf}`, { spec: { ...specOf.get(tf)!.spec, correct: false } }),
  200,
);
progress(`${REGRADE_ATTEMPTS} attempts ready; regrading`);
const regrade = await call(teacherToken, 'POST', `/quizzes/${regradeQuiz.id}/regrade`, {});
if (regrade.status !== 200)
  throw new Error(`regrade failed: ${regrade.status} ${JSON.stringify(regrade.body)}`);
const regradeSeconds = regrade.ms / 1000;

// Gradebook: 300 students × 40 graded quizzes.
await admin`
  insert into assessment.quizzes (id, tenant_id, course_id, title, published, due_at, points_possible, created_by)
  select md5('gb-quiz' || n)::uuid, ${TENANT}, ${COURSE}, 'Quiz ' || n, true, now() - interval '1 day', 10, ${TEACHER}
  from generate_series(1, ${GRADEBOOK_QUIZZES}) as n`;
await admin`
  insert into assessment.quiz_grades (tenant_id, quiz_id, course_id, user_id, score, points_possible, submitted_at)
  select ${TENANT}, md5('gb-quiz' || n)::uuid, ${COURSE}, u, (random() * 10)::numeric(10, 2), 10, now() - interval '2 days'
  from generate_series(1, ${GRADEBOOK_QUIZZES}) as n, unnest(${studentIds}::uuid[]) as u`;
await admin`vacuum analyze assessment.quiz_grades`;
await admin.end();
const gradebook: number[] = [];
let gradebookErrors = 0;
let gradebookStudents = 0;
const gradebookUntil = performance.now() + DURATION * 1000;
await call(teacherToken, 'GET', `/courses/${COURSE}/gradebook`);
while (performance.now() < gradebookUntil || gradebook.length < 20) {
  const r = await call(teacherToken, 'GET', `/courses/${COURSE}/gradebook`);
  gradebook.push(r.ms);
  if (r.status !== 200) gradebookErrors++;
  else gradebookStudents = r.body.students.length;
}

agent.destroy();
await service.stop();
await grpc.stop();
report({
  benchmark: 'quiz-burst',
  students: STUDENTS,
  questions: QUESTIONS,
  errors,
  ...(errorSamples.length ? { errorSamples } : {}),
  burstSeconds: Math.round(burstSeconds * 10) / 10,
  startP99Ms: pct(starts, 0.99),
  saveP99Ms: pct(saves, 0.99),
  submitP99Ms: pct(submits, 0.99),
  goalsMs: { start: 500, save: 200, submit: 500 },
  startsPerSecond,
  pgbenchStart: pg,
  startRatio: 'transactionsPerSecond' in pg ? ratio(startsPerSecond, pg.transactionsPerSecond) : null,
  regrade: {
    attempts: regrade.body.attemptsRegraded,
    questionsGraded: regrade.body.attemptsRegraded * QUESTIONS,
    scoresChanged: regrade.body.attemptScoresChanged,
    seconds: Math.round(regradeSeconds * 10) / 10,
    attemptsPerSecond: Math.round(regrade.body.attemptsRegraded / regradeSeconds),
  },
  gradebook: {
    students: gradebookStudents,
    quizzes: GRADEBOOK_QUIZZES,
    requests: gradebook.length,
    errors: gradebookErrors,
    p50Ms: pct(gradebook, 0.5),
    p95Ms: pct(gradebook, 0.95),
    goalP95Ms: 150,
  },
});
