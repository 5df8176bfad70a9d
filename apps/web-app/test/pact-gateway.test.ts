// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Pact provider-state expressions are ${…} on purpose
/**
 * Consumer contracts of the web app's server for the REST routes it reaches through the gateway's
 * `/api/<service>/` pass-through: its real lib code (lib/gateway.ts `rest`, lib/analytics.ts, the
 * sign-in and sign-out actions of lib/actions.ts, the refreshing proxy.ts) with the paths its pages
 * use, against Pact's mock server standing where the gateway is.
 *
 * The provider is the upstream service, not the gateway: the pass-through forwards path, query,
 * body and the caller's headers untouched and never reads the answer, so every field the app reads
 * is the upstream's promise; the upstream's pact-provider.test.ts verifies it with the gateway's
 * prefix taken off (`gatewayPassThrough`). That the gateway forwards is the gateway's own tests'.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { consumerPact, Matchers } from '@eduspry/contracts/pact-testing';
import { appSessionPacts } from '../../../scripts/lib/app-auth-pacts.ts';
import { freePort } from '../../../scripts/lib/database.ts';
import { stubNextServer } from '../../../scripts/lib/next-server-stub.ts';

const { uuid, regex, integer, fromProviderState, string, eachLike, number, nullValue, like } = Matchers;
const TOKEN = 'eyJ.web-app.test.token';
const USER_ID = '9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const NOTIFICATION_ID = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e';
const COURSE_ID = '7d6c5b4a-3f2e-4d1c-8b0a-9f8e7d6c5b4a';
const DAY = regex('^\\d{4}-\\d{2}-\\d{2}$', '2026-12-01');
const TIME = regex('^\\d{4}-\\d{2}-\\d{2}T.+Z$', '2026-12-01T10:00:00.000Z');
const authorized = { authorization: regex('^Bearer .+$', `Bearer ${TOKEN}`), accept: 'application/json' };

// The app reads its gateway address once, at import: the mock servers take that port.
const port = await freePort();
process.env.API_GATEWAY_URL = `http://127.0.0.1:${port}`;
const next = stubNextServer();
next.cookies.set('eduspry_at', TOKEN);
// Imported by URL, not by name: the app's modules type-check under the app's own tsconfig (Next,
// bundler resolution), not under the root one this test belongs to.
interface Answer<T> {
  ok: boolean;
  status: number;
  data: T | null;
  problem: unknown;
}
const load = (path: string) => import(new URL(path, import.meta.url).href);
const { rest } = (await load('../lib/gateway.ts')) as {
  rest<T>(
    service: string,
    path: string,
    init?: { method?: 'GET' | 'POST'; body?: unknown },
  ): Promise<Answer<T>>;
};
const { analyticsReport } = (await load('../lib/analytics.ts')) as {
  analyticsReport<T>(path: string, range: { from?: string; to?: string }): Promise<Answer<T>>;
};
const { signIn, signOut } = (await load('../lib/actions.ts')) as {
  signIn(form: FormData): Promise<void>;
  signOut(): Promise<void>;
};
const { proxy } = (await load('../proxy.ts')) as Pick<Parameters<typeof appSessionPacts>[0], 'proxy'>;

describe('web-app → analytics-service (through the gateway)', () => {
  const { pact, settle } = consumerPact('web-app', 'analytics-service', undefined, { port });
  after(() => settle());

  test('the progress page: the student’s own report', async () => {
    await pact
      .addInteraction()
      .given('a student with activity and a grade in a course')
      .uponReceiving('a request for the caller’s own student report')
      .withRequest(
        'GET',
        fromProviderState(
          '/api/analytics-service/reports/students/${userId}',
          `/api/analytics-service/reports/students/${USER_ID}`,
        ),
        (b) => b.headers(authorized),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody({
          userId: uuid(USER_ID),
          from: DAY,
          to: DAY,
          activity: eachLike({ day: DAY, minutes: integer(10) }),
          courses: eachLike({
            courseId: uuid(),
            lastActivityAt: TIME,
            minutes: integer(10),
            itemsCompleted: integer(1),
            itemsTotal: integer(1),
            videosWatched: integer(0),
            gradeAverage: number(75.5),
          }),
        }),
      )
      .executeTest(async () => {
        const answer = await analyticsReport<{ userId: string; courses: { minutes: number }[] }>(
          `/reports/students/${USER_ID}`,
          {},
        );
        assert.equal(answer.ok, true, JSON.stringify(answer.problem));
        assert.equal(answer.data?.userId, USER_ID);
        assert.equal(answer.data?.courses[0]?.minutes, 10);
      });
  });
});

describe('web-app → notification-service (through the gateway)', () => {
  const { pact, settle } = consumerPact('web-app', 'notification-service', undefined, { port });
  after(() => settle());

  test('the notifications page: the inbox', async () => {
    await pact
      .addInteraction()
      .given('a user with an unread notification')
      .uponReceiving('a request for the caller’s inbox through the gateway')
      .withRequest('GET', '/api/notification-service/notifications', (b) =>
        b.query({ limit: '50' }).headers(authorized),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody({
          items: eachLike({
            id: uuid(NOTIFICATION_ID),
            title: string('You are enrolled'),
            body: string('Welcome'),
            link: like('/courses/x'),
            createdAt: TIME,
            readAt: nullValue(),
          }),
          unread: integer(1),
        }),
      )
      .executeTest(async () => {
        const answer = await rest<{ items: { id: string; readAt: string | null }[]; unread: number }>(
          'notification-service',
          '/notifications?limit=50',
        );
        assert.equal(answer.ok, true, JSON.stringify(answer.problem));
        assert.equal(answer.data?.unread, 1);
        assert.equal(answer.data?.items[0]?.readAt, null);
      });
  });

  test('the bell: the unread count', async () => {
    await pact
      .addInteraction()
      .given('a user with an unread notification')
      .uponReceiving('a request for the caller’s unread count through the gateway')
      .withRequest('GET', '/api/notification-service/notifications/unread-count', (b) =>
        b.headers(authorized),
      )
      .willRespondWith(200, (b) => b.jsonBody({ unread: integer(1) }))
      .executeTest(async () => {
        const answer = await rest<{ unread: number }>('notification-service', '/notifications/unread-count');
        assert.equal(answer.data?.unread, 1);
      });
  });

  test('marking one notification read', async () => {
    await pact
      .addInteraction()
      .given('a user with an unread notification')
      .uponReceiving('a request to mark one of the caller’s notifications read through the gateway')
      .withRequest(
        'POST',
        fromProviderState(
          '/api/notification-service/notifications/${notificationId}/read',
          `/api/notification-service/notifications/${NOTIFICATION_ID}/read`,
        ),
        (b) => b.headers(authorized),
      )
      .willRespondWith(200)
      .executeTest(async () => {
        const answer = await rest('notification-service', `/notifications/${NOTIFICATION_ID}/read`, {
          method: 'POST',
        });
        assert.equal(answer.ok, true, JSON.stringify(answer.problem));
      });
  });

  test('the course page: its staff announce to the course', async () => {
    await pact
      .addInteraction()
      .given('a member of a course’s staff, and a student on its roster')
      .uponReceiving('a course announcement through the gateway')
      .withRequest(
        'POST',
        fromProviderState(
          '/api/notification-service/courses/${courseId}/announcements',
          `/api/notification-service/courses/${COURSE_ID}/announcements`,
        ),
        (b) =>
          b
            .headers({ ...authorized, 'content-type': 'application/json' })
            .jsonBody({ title: 'Lab moved to Friday', body: 'Same room, 10:00.' }),
      )
      .willRespondWith(201)
      .executeTest(async () => {
        const answer = await rest('notification-service', `/courses/${COURSE_ID}/announcements`, {
          method: 'POST',
          body: { title: 'Lab moved to Friday', body: 'Same room, 10:00.' },
        });
        assert.equal(answer.ok, true, JSON.stringify(answer.problem));
      });
  });
});

describe('web-app → auth-service (through the gateway)', () => {
  const { pact, settle } = consumerPact('web-app', 'auth-service', undefined, { port });
  after(() => settle());
  appSessionPacts({
    pact,
    who: 'student',
    jar: next.cookies,
    cookies: { access: 'eduspry_at', refresh: 'eduspry_rt' },
    page: ':3000/dashboard',
    token: TOKEN,
    signIn,
    signOut,
    proxy,
    afterSignIn: '/dashboard',
    afterSignOut: '/sign-in?signedOut=1',
  });
});
