import { notFound, type ServiceApp } from '@eduspry/common';
import proxyAddr from '@fastify/proxy-addr';
import type { FastifyRequest } from 'fastify';
import { problems } from './problems.ts';
import { type Upstream, UpstreamUnavailable } from './upstream.ts';

const FORWARDED_REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'accept-language',
  'user-agent',
  'traceparent',
  'tracestate',
];
const IDENTITY_HEADERS = ['authorization', 'accept-language', 'user-agent', 'traceparent', 'tracestate'];
const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'cache-control',
  'location',
  'retry-after',
  'content-disposition',
  'etag',
  'last-modified',
  'www-authenticate',
];
/** Operational endpoints stay inside the cluster; the edge does not expose them. */
const INTERNAL = /^\/(metrics|ready|health|internal)(\/|$)/;
/**
 * Routes only other services call, with a shared service key: not the edge's to expose either,
 * so the key cannot be guessed at from outside. realtime-service's broadcast API (both paths).
 */
const SERVICE_ONLY: Readonly<Record<string, RegExp>> = {
  'realtime-service': /^\/(api\/broadcast|realtime)(\/|$)/,
};
const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;

/** Where a pass-through request goes, decided once from the raw URL. */
export interface PassThroughTarget {
  service: string;
  /** The decoded, normalised path on that service (what the allow-list judged). */
  path: string;
  /** What is sent upstream: the same path re-encoded, plus the query as it came. */
  upstreamPath: string;
}

const badPath = (detail: string) => problems.create('bad-path', detail);

/**
 * Decodes and normalises `/api/<service>/<path>` exactly once, so what is checked is what is
 * sent: every segment is percent-decoded (WHATWG URL rules), dot segments, encoded separators,
 * backslashes, fragments and empty segments are refused (400), the service name must be written
 * plainly and be a known one (404), and the operational paths stay hidden (404). The upstream
 * gets the decoded segments re-encoded, so `%6detrics` reaches it as `metrics`, never as a
 * different path than the one judged.
 */
export function resolvePassThrough(rawUrl: string, services: ReadonlySet<string>): PassThroughTarget {
  const queryAt = rawUrl.indexOf('?');
  const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? '' : rawUrl.slice(queryAt);
  if (rawUrl.includes('#')) throw badPath('A URL fragment is not part of a request path');
  if (rawPath.includes('\\')) throw badPath('Backslashes are not allowed in a path');
  const [empty, api, service = '', ...rest] = rawPath.split('/');
  if (empty !== '' || api !== 'api') throw notFound(`No route ${rawPath}`);
  if (!SERVICE_NAME.test(service) || !services.has(service))
    throw notFound(`No service ${JSON.stringify(service)} behind this gateway`);
  const segments = rest.map((segment, index) => {
    if (/%(2f|5c)/i.test(segment)) throw badPath('Encoded path separators are not allowed');
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw badPath('The path is not valid percent-encoding');
    }
    if (decoded === '.' || decoded === '..') throw badPath('Dot segments are not allowed in a path');
    if (decoded === '' && index !== rest.length - 1) throw badPath('Empty path segments are not allowed');
    return decoded;
  });
  const path = `/${segments.join('/')}`;
  if (INTERNAL.test(path) || SERVICE_ONLY[service]?.test(path)) throw notFound(`No route ${rawPath}`);
  const upstreamPath = `/${segments.map(encodeURIComponent).join('/')}`;
  // The WHATWG parser must leave the path as it is: nothing left for it (or the upstream) to normalise.
  if (new URL(upstreamPath, 'http://upstream.invalid').pathname !== upstreamPath)
    throw badPath('The path is not in normal form');
  return { service, path, upstreamPath: upstreamPath + rawQuery };
}

declare module 'fastify' {
  interface FastifyRequest {
    upstreamCalls: { count: number };
  }
}

/** Which peers may hand the gateway an `X-Forwarded-For` it passes on (a load balancer in front). */
export type TrustedProxies = (address: string, hop: number) => boolean;

export function trustedProxies(list: string | undefined): TrustedProxies {
  return proxyAddr.compile(
    (list ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  );
}

const TRUST_NONE: TrustedProxies = () => false;

/**
 * The `X-Forwarded-For` an upstream gets: the gateway's own peer, appended to the incoming header
 * only when that peer is a trusted proxy; a client's own header is never passed on.
 */
export function forwardedFor(request: FastifyRequest, trusted: TrustedProxies = TRUST_NONE): string {
  const peer = request.raw.socket?.remoteAddress ?? request.ip;
  const previous = request.headers['x-forwarded-for'];
  return typeof previous === 'string' && previous && trusted(peer, 0) ? `${previous}, ${peer}` : peer;
}

/**
 * Headers an upstream gets for a request: who the caller is (token, client address), the
 * request id and trace context; with `body`, also the caller's content headers (pass-through).
 */
export function forwardHeaders(
  request: FastifyRequest,
  { body = false, trusted = TRUST_NONE }: { body?: boolean; trusted?: TrustedProxies } = {},
): Record<string, string> {
  const headers: Record<string, string> = { 'x-request-id': request.id };
  for (const name of body ? FORWARDED_REQUEST_HEADERS : IDENTITY_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  headers['x-forwarded-for'] = forwardedFor(request, trusted);
  return headers;
}

/**
 * REST pass-through: `/api/<service>/<path>` is `<path>` of that service's own REST API
 * (its OpenAPI document is at `/api/<service>/openapi.json`), with the same resilience as
 * GraphQL: timeout, retries for idempotent methods, circuit breaker, 503 when it is down.
 */
export async function restRoutes(
  app: ServiceApp,
  {
    upstreams,
    bodyLimit,
    trusted,
  }: { upstreams: Map<string, Upstream>; bodyLimit: number; trusted?: TrustedProxies },
): Promise<void> {
  const services = new Set(upstreams.keys());
  // Bodies go through untouched, whatever their type (JSON, CSV rosters, …).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));

  app.all('/api/:service/*', { schema: { hide: true } }, async (request, reply) => {
    // Unknown services and refused paths end here, before any upstream (and its breaker) is touched.
    const target = resolvePassThrough(request.raw.url ?? request.url, services);
    const upstream = upstreams.get(target.service)!;
    let response: Awaited<ReturnType<Upstream['request']>>;
    try {
      response = await upstream.request(
        {
          method: request.method,
          path: target.upstreamPath,
          headers: forwardHeaders(request, { body: true, ...(trusted ? { trusted } : {}) }),
          body: Buffer.isBuffer(request.body) && request.body.length ? request.body : undefined,
        },
        () => {
          request.upstreamCalls.count++;
        },
      );
    } catch (error) {
      if (error instanceof UpstreamUnavailable)
        throw problems.create(
          'upstream-unavailable',
          `${error.upstream} is unavailable right now (${error.reason}); try again shortly`,
          { upstream: error.upstream, reason: error.reason, retryAfter: 5 },
        );
      throw error;
    }
    reply.status(response.status);
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) reply.header(name, value);
    }
    return reply.send(response.body);
  });
}
