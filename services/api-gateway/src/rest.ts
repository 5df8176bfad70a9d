import { HttpProblem, notFound, type ServiceApp } from '@eduspry/common';
import type { FastifyRequest } from 'fastify';
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
const INTERNAL = /^\/(metrics|ready|health)(\/|\?|$)/;

declare module 'fastify' {
  interface FastifyRequest {
    upstreamCalls: { count: number };
  }
}

/**
 * Headers an upstream gets for a request: who the caller is (token, client address), the
 * request id and trace context; with `body`, also the caller's content headers (pass-through).
 */
export function forwardHeaders(request: FastifyRequest, { body = false } = {}): Record<string, string> {
  const headers: Record<string, string> = { 'x-request-id': request.id };
  for (const name of body ? FORWARDED_REQUEST_HEADERS : IDENTITY_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const previous = request.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = previous ? `${previous}, ${request.ip}` : request.ip;
  return headers;
}

/**
 * REST pass-through: `/api/<service>/<path>` is `<path>` of that service's own REST API
 * (its OpenAPI document is at `/api/<service>/openapi.json`), with the same resilience as
 * GraphQL: timeout, retries for idempotent methods, circuit breaker, 503 when it is down.
 */
export async function restRoutes(
  app: ServiceApp,
  { upstreams, bodyLimit }: { upstreams: Map<string, Upstream>; bodyLimit: number },
): Promise<void> {
  // Bodies go through untouched, whatever their type (JSON, CSV rosters, …).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));

  app.all('/api/:service/*', { schema: { hide: true } }, async (request, reply) => {
    const { service } = request.params as { service: string };
    const upstream = upstreams.get(service);
    const rest = request.url.slice(`/api/${service}`.length) || '/';
    if (!upstream || INTERNAL.test(rest)) throw notFound(`No route ${request.method} ${request.url}`);
    let response: Awaited<ReturnType<Upstream['request']>>;
    try {
      response = await upstream.request(
        {
          method: request.method,
          path: rest,
          headers: forwardHeaders(request, { body: true }),
          body: Buffer.isBuffer(request.body) && request.body.length ? request.body : undefined,
        },
        () => {
          request.upstreamCalls.count++;
        },
      );
    } catch (error) {
      if (error instanceof UpstreamUnavailable)
        throw new HttpProblem(
          503,
          'upstream-unavailable',
          'Service Unavailable',
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
