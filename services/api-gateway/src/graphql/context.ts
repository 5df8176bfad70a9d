import type { TenantClaims } from '@eduspry/common';
import mercurius from 'mercurius';
import { type Upstream, type UpstreamRequest, UpstreamUnavailable } from '../upstream.ts';

const { ErrorWithProps } = mercurius;

/** What every resolver gets: the caller (if signed in) and the upstreams, bound to this request. */
export interface GatewayContext {
  claims: TenantClaims | null;
  /** Why the bearer token was refused, when one was sent and it was not valid. */
  authProblem: string | null;
  services: RequestServices;
}

export interface ServiceCall {
  get<T = unknown>(path: string): Promise<T>;
  send<T = unknown>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export interface RequestServices {
  auth: ServiceCall;
  course: ServiceCall;
}

/** Counts upstream calls (attempts) for one incoming request; answered in `x-upstream-calls`. */
export interface CallCounter {
  count: number;
}

/** The upstreams as one request sees them: its bearer token and trace headers go along. */
export function bindServices(
  upstreams: { auth: Upstream; course: Upstream },
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
  return { auth: bind(upstreams.auth), course: bind(upstreams.course) };
}

const CODES: Record<number, string> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'RATE_LIMITED',
};

/** An upstream's problem+json answer as a GraphQL error with a stable code and the problem's detail. */
export function problemToGraphQLError(status: number, problem: Record<string, unknown> | undefined) {
  const type = typeof problem?.type === 'string' ? problem.type : undefined;
  const specific = type?.endsWith('/module-locked') ? 'LOCKED' : undefined;
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
