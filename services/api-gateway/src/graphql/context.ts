import { defineProblems, type TenantClaims } from '@eduspry/common';
import {
  ATTEMPT_PROBLEMS,
  type AttemptProblemCode,
  attemptErrorCode,
  COURSE_ACCESS_PROBLEMS,
} from '@eduspry/contracts';
import DataLoader from 'dataloader';
import mercurius from 'mercurius';
import { type Upstream, type UpstreamRequest, UpstreamUnavailable } from '../upstream.ts';

/** Course-service's access problems, matched by code (the gateway translates them). */
const courseAccessProblems = defineProblems(COURSE_ACCESS_PROBLEMS);
/** assessment-service's attempt problems: each becomes its own `extensions.code`. */
const attemptProblems = defineProblems(ATTEMPT_PROBLEMS);
const ATTEMPT_CODES = Object.keys(ATTEMPT_PROBLEMS) as AttemptProblemCode[];

const { ErrorWithProps } = mercurius;

/** What every resolver gets: the caller (if signed in) and the upstreams, bound to this request. */
export interface GatewayContext {
  claims: TenantClaims | null;
  /** Why the bearer token was refused, when one was sent and it was not valid. */
  authProblem: string | null;
  services: RequestServices;
  /** Per-request DataLoaders: every by-id lookup of one kind in a query is one upstream call. */
  loaders: RequestLoaders;
}

export interface RequestLoaders {
  /** Courses by id as course-service's `GET /courses?ids=…` answers them (null: not visible). */
  course: DataLoader<string, Record<string, unknown> | null>;
  /**
   * analytics-service reports by path (`/reports/courses/<id>?from&to`): the same report asked
   * for twice in one query (aliases, fragments) is one call.
   */
  report: DataLoader<string, unknown>;
  /**
   * Quizzes by id as assessment-service's `GET /me/quizzes?ids=…` answers them for the caller
   * (null: not there or not visible): every quiz item of a query is one call.
   */
  quiz: DataLoader<string, Record<string, unknown> | null>;
  /**
   * Files by id with a signed URL, as content-service's `POST /files/signed-urls` answers them
   * for the caller (null: not there, or not theirs to open): every file item of a query is one call.
   */
  file: DataLoader<string, Record<string, unknown> | null>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** assessment-service's `GET /me/quizzes` takes up to 100 ids per call. */
export const QUIZ_BATCH = 100;
/** course-service takes up to 300 ids per call (about 12 KB of query string). */
export const COURSE_BATCH = 300;
/** content-service's `POST /files/signed-urls` takes up to 200 ids per call. */
export const FILE_BATCH = 200;

/**
 * A loader of records by uuid through one batch call: ids that are not uuids (the upstream would
 * refuse the whole batch) and records the caller may not see are null; repeats are asked once.
 */
function byIdLoader(
  fetchBatch: (ids: string[]) => Promise<{ id: string }[]>,
  maxBatchSize: number,
): DataLoader<string, Record<string, unknown> | null> {
  return new DataLoader(
    async (ids) => {
      const wanted = [...new Set(ids.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
      const found = new Map<string, Record<string, unknown>>();
      if (wanted.length)
        for (const record of await fetchBatch(wanted)) found.set(record.id.toLowerCase(), record);
      return ids.map((id) => found.get(id.toLowerCase()) ?? null);
    },
    { maxBatchSize },
  );
}

const idsQuery = (ids: string[], extra: Record<string, string> = {}) => {
  const search = new URLSearchParams();
  for (const id of ids) search.append('ids', id);
  for (const [name, value] of Object.entries(extra)) search.set(name, value);
  return search;
};

/**
 * Aliased `course(id:)` fields, `Enrollment.course` and the like all land here, deduplicated,
 * and go out together: 300 aliases are one upstream call, not 300. An id that is not a uuid
 * (course-service would refuse the batch) or a course the caller cannot see is null.
 */
export function createLoaders(services: RequestServices): RequestLoaders {
  return {
    course: byIdLoader(
      async (ids) =>
        (
          await services.course.get<{ items: { id: string }[] }>(
            `/courses?${idsQuery(ids, { limit: '100' })}`,
          )
        ).items,
      COURSE_BATCH,
    ),
    report: new DataLoader(
      async (paths) =>
        Promise.all(paths.map((path) => services.analytics.get(path).catch((error: Error) => error))),
      // Each report is its own upstream call (analytics-service has no multi-report endpoint).
      { batch: false },
    ),
    quiz: byIdLoader(
      async (ids) =>
        (await services.assessment.get<{ items: { id: string }[] }>(`/me/quizzes?${idsQuery(ids)}`)).items,
      QUIZ_BATCH,
    ),
    file: byIdLoader(
      async (fileIds) =>
        (await services.content.send<{ files: { id: string }[] }>('POST', '/files/signed-urls', { fileIds }))
          .files,
      FILE_BATCH,
    ),
  };
}

export interface ServiceCall {
  get<T = unknown>(path: string): Promise<T>;
  send<T = unknown>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export interface RequestServices {
  auth: ServiceCall;
  course: ServiceCall;
  analytics: ServiceCall;
  assessment: ServiceCall;
  content: ServiceCall;
}

/** Counts upstream calls (attempts) for one incoming request; answered in `x-upstream-calls`. */
export interface CallCounter {
  count: number;
}

/** The upstreams as one request sees them: its bearer token and trace headers go along. */
export function bindServices(
  upstreams: {
    auth: Upstream;
    course: Upstream;
    analytics: Upstream;
    assessment: Upstream;
    content: Upstream;
  },
  forward: Record<string, string>,
  counter: CallCounter,
): RequestServices {
  const bind = (upstream: Upstream): ServiceCall => {
    const call = async <T>(request: UpstreamRequest): Promise<T> => {
      let response: Awaited<ReturnType<Upstream['request']>>;
      try {
        response = await upstream.request(request, () => {
          counter.count++;
        });
      } catch (error) {
        if (error instanceof UpstreamUnavailable)
          throw new ErrorWithProps(`${error.upstream} is unavailable right now; try again shortly`, {
            code: 'UPSTREAM_UNAVAILABLE',
            upstream: error.upstream,
            reason: error.reason,
          });
        throw error;
      }
      const body = response.json() as Record<string, unknown> | undefined;
      if (response.status >= 400) throw problemToGraphQLError(response.status, body);
      return body as T;
    };
    return {
      get: (path) => call({ method: 'GET', path, headers: { ...forward, accept: 'application/json' } }),
      send: (method, path, body) =>
        call({
          method,
          path,
          headers: {
            ...forward,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
    };
  };
  return {
    auth: bind(upstreams.auth),
    course: bind(upstreams.course),
    analytics: bind(upstreams.analytics),
    assessment: bind(upstreams.assessment),
    content: bind(upstreams.content),
  };
}

const CODES: Record<number, string> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
};

/** An upstream's problem+json answer as a GraphQL error with a stable code and the problem's detail. */
export function problemToGraphQLError(status: number, problem: Record<string, unknown> | undefined) {
  const type = typeof problem?.type === 'string' ? problem.type : undefined;
  const attempt = ATTEMPT_CODES.find((code) => attemptProblems.is(problem, code));
  // Not found is NOT_FOUND whoever's it is (another student's attempt is not found, not forbidden);
  // every other attempt problem is its own code, e.g. a late save is ATTEMPT_DEADLINE_PASSED.
  const specific = courseAccessProblems.is(problem, 'module-locked')
    ? 'LOCKED'
    : attempt && status !== 404
      ? attemptErrorCode(attempt)
      : undefined;
  const message =
    (typeof problem?.detail === 'string' && problem.detail) ||
    (typeof problem?.title === 'string' && problem.title) ||
    `upstream answered ${status}`;
  return new ErrorWithProps(message, {
    code: specific ?? CODES[status] ?? 'UPSTREAM_ERROR',
    status,
    ...(type ? { problemType: type } : {}),
    ...(typeof problem?.reason === 'string' ? { reason: problem.reason } : {}),
    ...(typeof problem?.field === 'string' ? { field: problem.field } : {}),
    ...(attempt ? { problem: attempt } : {}),
    ...(typeof problem?.deadlineAt === 'string' ? { deadlineAt: problem.deadlineAt } : {}),
  });
}

export function unauthenticated(reason?: string | null) {
  return new ErrorWithProps(reason ?? 'Sign in to see this', { code: 'UNAUTHENTICATED' });
}

/** The caller's claims, or an UNAUTHENTICATED error: one line at the top of every private resolver. */
export function requireClaims(ctx: GatewayContext): TenantClaims {
  if (!ctx.claims) throw unauthenticated(ctx.authProblem);
  return ctx.claims;
}

declare module 'mercurius' {
  // Resolvers and loaders receive the gateway's context (built per request in app.ts).
  interface MercuriusContext extends GatewayContext {}
}
