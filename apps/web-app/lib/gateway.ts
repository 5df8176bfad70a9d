import 'server-only';
import type { OperationName } from '@eduspry/contracts/graphql-operations';
import { OPERATIONS } from '@eduspry/contracts/graphql-operations';
import { headers } from 'next/headers';
import { accessToken } from './session';

/** Where the web app's server reaches the api-gateway (npm start sets API_GATEWAY_URL). */
export const GATEWAY_URL = process.env.API_GATEWAY_URL ?? 'http://127.0.0.1:4000';

export interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; reason?: string };
}

/**
 * The browser's address, passed on as X-Forwarded-For. Next fills the header from the socket
 * when no proxy in front set it. Without it, every call would come from this server's address,
 * and per-client limits (sign-in attempts) would be shared by everyone using the web app.
 */
export async function forwardedFor(): Promise<Record<string, string>> {
  const chain = (await headers()).get('x-forwarded-for');
  return chain ? { 'x-forwarded-for': chain } : {};
}

export class GatewayError extends Error {
  readonly code: string;
  readonly errors: GraphQLErrorShape[];
  constructor(errors: GraphQLErrorShape[]) {
    super(errors.map((error) => error.message).join('; '));
    this.code = errors[0]?.extensions?.code ?? 'ERROR';
    this.errors = errors;
  }
}

/**
 * Runs one of the app's GraphQL operations on the server, as the signed-in user. Partial
 * answers (a service down) come back with `errors` beside the data that did resolve.
 */
// biome-ignore lint/suspicious/noExplicitAny: operation results are typed by the caller
export async function gql<T = any>(
  operation: OperationName,
  variables: Record<string, unknown> = {},
): Promise<{ data: T | null; errors: GraphQLErrorShape[] }> {
  const token = await accessToken();
  const response = await fetch(`${GATEWAY_URL}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(await forwardedFor()),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: OPERATIONS[operation], variables, operationName: operation }),
    cache: 'no-store',
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json().catch(() => ({}))) as { data?: T; errors?: GraphQLErrorShape[] };
  if (!body.data && !body.errors) throw new Error(`The gateway answered ${response.status}`);
  return { data: body.data ?? null, errors: body.errors ?? [] };
}

export interface RestAnswer<T> {
  ok: boolean;
  status: number;
  data: T | null;
  problem: { type?: string; title?: string; detail?: string; code?: string } | null;
}

/**
 * One call to a service's REST routes through the gateway's `/api/<service>/` passthrough, as
 * the signed-in user. Never throws for an answer: a service that is down is `status` 503 (or
 * 0 when the gateway itself does not answer), for the page to say so.
 */
// biome-ignore lint/suspicious/noExplicitAny: results are typed by the caller
export async function rest<T = any>(
  service: string,
  path: string,
  init: { method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; body?: unknown } = {},
): Promise<RestAnswer<T>> {
  const token = await accessToken();
  const response = await fetch(`${GATEWAY_URL}/api/${service}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      accept: 'application/json',
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(await forwardedFor()),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    cache: 'no-store',
    signal: AbortSignal.timeout(10_000),
  }).catch(() => null);
  if (!response) return { ok: false, status: 0, data: null, problem: null };
  const body = (await response.json().catch(() => null)) as unknown;
  return response.ok
    ? { ok: true, status: response.status, data: body as T, problem: null }
    : { ok: false, status: response.status, data: null, problem: (body as RestAnswer<T>['problem']) ?? null };
}

/**
 * A service's CSV through the pass-through, as the signed-in user, answered as a download named
 * `filename`: the service decides who may have it, and its problem is passed on as it is.
 */
export async function csvDownload(service: string, path: string, filename: string): Promise<Response> {
  const token = await accessToken();
  if (!token) return new Response(null, { status: 401 });
  const answer = await fetch(`${GATEWAY_URL}/api/${service}${path}`, {
    headers: { accept: 'text/csv', authorization: `Bearer ${token}`, ...(await forwardedFor()) },
    cache: 'no-store',
    signal: AbortSignal.timeout(20_000),
  }).catch(() => null);
  if (!answer) return new Response(null, { status: 503 });
  if (!answer.ok)
    return new Response(answer.body, {
      status: answer.status,
      headers: { 'content-type': answer.headers.get('content-type') ?? 'application/problem+json' },
    });
  return new Response(answer.body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '')}"`,
    },
  });
}
