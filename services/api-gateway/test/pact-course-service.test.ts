// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Pact provider-state expressions are ${…} on purpose
/**
 * Consumer contract: what the gateway's resolvers and loaders need from course-service's REST API.
 * The real client code (createUpstream → bindServices → resolvers) calls Pact's mock server; the
 * pact is compared with packages/contracts/pacts/api-gateway-course-service.json (PACT_UPDATE=1
 * rewrites it) and course-service's test/pact-provider.test.ts verifies it against the real app.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { consumerPact, Matchers } from '@eduspry/contracts/pact-testing';
import { loaders, resolvers } from '../src/graphql/resolvers.ts';
import { pactContext, TOKEN } from './pact-client.ts';

const { like, eachLike, uuid, regex, integer, boolean, fromProviderState, string } = Matchers;
const COURSE_ID = '6f1c1d3e-8a7b-4c2d-9e0f-1a2b3c4d5e6f';
const MODULE_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

const { pact, settle } = consumerPact('api-gateway', 'course-service');
after(() => settle());

const authorized = { authorization: regex('^Bearer .+$', TOKEN), accept: 'application/json' };

const course = {
  id: uuid(COURSE_ID),
  code: string('BIO-101'),
  title: string('Biology'),
  description: string(''),
  state: regex('^(draft|published|archived)$', 'published'),
  selfEnrollment: boolean(true),
};
const progress = { completed: integer(0), total: integer(1), percent: integer(0) };
const module = {
  id: uuid(MODULE_ID),
  courseId: uuid(COURSE_ID),
  position: integer(1),
  title: string('Week 1'),
  published: boolean(true),
  access: { allowed: boolean(true), reason: string('open') },
  progress,
  items: [],
};

// biome-ignore lint/suspicious/noExplicitAny: resolvers are typed loosely by mercurius
const resolve = resolvers as any;
// biome-ignore lint/suspicious/noExplicitAny: loaders are typed loosely by mercurius
const load = loaders as any;

describe('api-gateway → course-service', () => {
  test('the viewer’s enrolled courses (Viewer.courses)', async () => {
    await pact
      .addInteraction()
      .given('a student enrolled in a published course')
      .uponReceiving('a request for the courses the caller is enrolled in')
      .withRequest('GET', '/courses', (b) => b.query({ enrolled: 'true', limit: '50' }).headers(authorized))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          items: eachLike({ ...course, myEnrollment: { role: string('student'), status: string('active') } }),
        }),
      )
      .executeTest(async (server) => {
        const courses = await resolve.Viewer.courses({}, {}, pactContext(server.url));
        assert.equal(courses[0].id, COURSE_ID);
        assert.equal(courses[0].myEnrollment.courseId, COURSE_ID);
      });
  });

  test('courses by id (the per-request course loader)', async () => {
    await pact
      .addInteraction()
      .given('a student enrolled in a published course')
      .uponReceiving('a request for courses by id')
      .withRequest('GET', '/courses', (b) =>
        b.query({ ids: fromProviderState('${courseId}', COURSE_ID), limit: '100' }).headers(authorized),
      )
      .willRespondWith(200, (b) => b.jsonBody({ items: eachLike(course) }))
      .executeTest(async (server) => {
        const found = await resolve.Query.course({}, { id: COURSE_ID }, pactContext(server.url));
        assert.equal(found.id, COURSE_ID);
      });
  });

  test('creating a course (createCourse)', async () => {
    await pact
      .addInteraction()
      .given('an instructor')
      .uponReceiving('a request to create a course')
      .withRequest('POST', '/courses', (b) =>
        b
          .headers({ ...authorized, 'content-type': 'application/json' })
          .jsonBody({ code: 'PACT-101', title: 'Contracts', selfEnrollment: true }),
      )
      .willRespondWith(201, (b) => b.jsonBody({ ...course, state: 'draft' }))
      .executeTest(async (server) => {
        const created = await resolve.Mutation.createCourse(
          {},
          { input: { code: 'PACT-101', title: 'Contracts', selfEnrollment: true, term: null } },
          pactContext(server.url),
        );
        assert.equal(created.state, 'draft');
      });
  });

  test('publishing a course (setCourseState)', async () => {
    await pact
      .addInteraction()
      .given('an instructor with a draft course')
      .uponReceiving('a request to publish a course')
      .withRequest('PATCH', fromProviderState('/courses/${courseId}', `/courses/${COURSE_ID}`), (b) =>
        b.headers({ ...authorized, 'content-type': 'application/json' }).jsonBody({ state: 'published' }),
      )
      .willRespondWith(200, (b) => b.jsonBody({ ...course, state: 'published' }))
      .executeTest(async (server) => {
        const changed = await resolve.Mutation.setCourseState(
          {},
          { courseId: COURSE_ID, state: 'published' },
          pactContext(server.url),
        );
        assert.equal(changed.state, 'published');
      });
  });

  test('a course’s modules as the viewer sees them (Course.modules)', async () => {
    await pact
      .addInteraction()
      .given('a student enrolled in a published course with a published module')
      .uponReceiving('a request for the modules of a course')
      .withRequest(
        'GET',
        fromProviderState('/courses/${courseId}/modules', `/courses/${COURSE_ID}/modules`),
        (b) => b.headers(authorized),
      )
      .willRespondWith(200, (b) => b.jsonBody(eachLike(module)))
      .executeTest(async (server) => {
        const [modules] = await load.Course.modules(
          [{ obj: { id: COURSE_ID }, params: {} }],
          pactContext(server.url),
        );
        assert.equal(modules[0].locked, false);
      });
  });

  test('adding a module (addModule)', async () => {
    await pact
      .addInteraction()
      .given('an instructor with a draft course')
      .uponReceiving('a request to add a module')
      .withRequest(
        'POST',
        fromProviderState('/courses/${courseId}/modules', `/courses/${COURSE_ID}/modules`),
        (b) =>
          b
            .headers({ ...authorized, 'content-type': 'application/json' })
            .jsonBody({ title: 'Week 1', published: false }),
      )
      .willRespondWith(201, (b) => b.jsonBody({ ...module, published: false }))
      .executeTest(async (server) => {
        const added = await resolve.Mutation.addModule(
          {},
          { courseId: COURSE_ID, title: 'Week 1', published: false },
          pactContext(server.url),
        );
        assert.equal(added.title, 'Week 1');
      });
  });

  test('progress of many courses in one call (Course.progress)', async () => {
    await pact
      .addInteraction()
      .given('a student enrolled in a published course with a published module')
      .uponReceiving('a request for the caller’s progress in courses')
      .withRequest('GET', '/progress', (b) =>
        b.query({ courseIds: fromProviderState('${courseId}', COURSE_ID) }).headers(authorized),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody({ items: eachLike({ courseId: uuid(COURSE_ID), progress: like(progress) }) }),
      )
      .executeTest(async (server) => {
        const [found] = await load.Course.progress(
          [{ obj: { id: COURSE_ID }, params: {} }],
          pactContext(server.url),
        );
        assert.equal(found.total, 1);
      });
  });

  test('self-enrolment (enroll)', async () => {
    await pact
      .addInteraction()
      .given('a student and a published self-enrolment course')
      .uponReceiving('a request to enrol the caller')
      .withRequest(
        'POST',
        fromProviderState('/courses/${courseId}/enrollments', `/courses/${COURSE_ID}/enrollments`),
        (b) => b.headers({ ...authorized, 'content-type': 'application/json' }).jsonBody({}),
      )
      .willRespondWith(201, (b) =>
        b.jsonBody({
          courseId: uuid(COURSE_ID),
          userId: uuid(MODULE_ID),
          role: string('student'),
          status: regex('^(active|waitlisted)$', 'active'),
        }),
      )
      .executeTest(async (server) => {
        const enrollment = await resolve.Mutation.enroll(
          {},
          { courseId: COURSE_ID },
          pactContext(server.url),
        );
        assert.equal(enrollment.status, 'active');
      });
  });

  test('the roster (Course.roster)', async () => {
    await pact
      .addInteraction()
      .given('an instructor with a course a student is enrolled in')
      .uponReceiving('a request for the roster of a course')
      .withRequest(
        'GET',
        fromProviderState('/courses/${courseId}/enrollments', `/courses/${COURSE_ID}/enrollments`),
        (b) => b.headers(authorized),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody(
          eachLike({
            courseId: uuid(COURSE_ID),
            userId: uuid(MODULE_ID),
            role: string('student'),
            status: string('active'),
          }),
        ),
      )
      .executeTest(async (server) => {
        const [roster] = await load.Course.roster(
          [{ obj: { id: COURSE_ID }, params: {} }],
          pactContext(server.url),
        );
        assert.equal(roster[0].courseId, COURSE_ID);
      });
  });

  test('a locked module answers module-locked, which the gateway shows as LOCKED', async () => {
    await pact
      .addInteraction()
      .given('a student not enrolled in a published course with a published module')
      .uponReceiving('a request for an item of a locked module')
      .withRequest(
        'GET',
        fromProviderState('/courses/${courseId}/items/${itemId}', `/courses/${COURSE_ID}/items/${MODULE_ID}`),
        (b) => b.headers(authorized),
      )
      .willRespondWith(403, (b) =>
        b
          .headers({
            'Content-Type': regex('^application/problem\\+json(;.*)?$', 'application/problem+json'),
          })
          .jsonBody({ type: 'https://eduspry.dev/problems/module-locked', reason: string('not-enrolled') }),
      )
      .executeTest(async (server) => {
        await assert.rejects(
          resolve.Query.item({}, { courseId: COURSE_ID, itemId: MODULE_ID }, pactContext(server.url)),
          (error: { extensions?: { code?: string } }) => error.extensions?.code === 'LOCKED',
        );
      });
  });
});
