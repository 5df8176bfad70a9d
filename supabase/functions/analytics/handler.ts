/**
 * analytics: a browser or app sends a batch of activity (page views, item opened, video
 * play/pause/seek with position, time-on-task heartbeats) for its signed-in user. Portable: a
 * plain `(Request) => Promise<Response>` over two ports, so the same code runs on Supabase Edge,
 * on a self-hosted Deno, or anywhere with the Fetch API.
 *
 * Tenant and user are the token's, never the body's: a `tenantId` or `userId` anywhere in the
 * body is refused (`forged-identity`) rather than silently dropped, so a client that tries is
 * told. The batch is forwarded as it was validated to analytics-service's `POST /track` with the
 * caller's own token, so the service verifies it again and attributes the events under RLS.
 */
import { Value } from 'typebox/value';
import { describeUnsafeText, findUnsafeText } from '../../../packages/common/src/text-guard.ts';
import { Problem, readJson, responses } from '../_shared/http.ts';
import {
  MAX_EVENTS,
  TRACK_EVENT_TYPES,
  type TrackBody,
  TrackBody as TrackBodySchema,
  type TrackEvent,
} from './schema.ts';

export interface Claims {
  sub: string;
  app_metadata: { tenant_id: string; roles: string[] };
  session_id?: string;
  [claim: string]: unknown;
}

/** What analytics-service answers for an accepted batch. */
export interface TrackResult {
  accepted: number;
  duplicates: number;
}

export interface AnalyticsPorts {
  /** Verifies a bearer token (signature, expiry, issuer) and returns its claims; throws if invalid. */
  verifyToken(token: string): Promise<Claims>;
  /**
   * Hands the validated batch to the analytics store as the caller. Throws an `UpstreamProblem`
   * for the store's own verdicts on the caller (4xx), anything else when it could not take them.
   */
  track(events: TrackEvent[], caller: { claims: Claims; token: string }): Promise<TrackResult>;
}

export interface AnalyticsOptions {
  /** Documented limits: 1 MiB of JSON and 500 events per request. */
  maxBytes?: number;
  maxEvents?: number;
  /** Clock skew accepted on `at`: this far in the past (24 h) and in the future (5 min). */
  maxAgeMs?: number;
  maxAheadMs?: number;
  /** Origins allowed to call from a browser; `*` by default. */
  allowOrigin?: string;
  now?: () => number;
}

export const MAX_BYTES = 1024 * 1024;
export const MAX_AGE_MS = 24 * 3_600_000;
export const MAX_AHEAD_MS = 5 * 60_000;
const IDENTITY_KEYS = new Set(['tenantId', 'tenant_id', 'userId', 'user_id']);

/** An answer of the analytics store about the caller's request (its status and problem document). */
export class UpstreamProblem extends Error {
  readonly status: number;
  readonly document: Record<string, unknown>;
  constructor(status: number, document: Record<string, unknown>) {
    super(`analytics-service answered ${status}`);
    this.status = status;
    this.document = document;
  }
}

const invalid = (field: string, detail: string) =>
  new Problem(400, 'validation', 'Invalid request', detail, { field });

export function createAnalyticsHandler(ports: AnalyticsPorts, options: AnalyticsOptions = {}) {
  const maxBytes = options.maxBytes ?? MAX_BYTES;
  const maxEvents = options.maxEvents ?? MAX_EVENTS;
  const maxAgeMs = options.maxAgeMs ?? MAX_AGE_MS;
  const maxAheadMs = options.maxAheadMs ?? MAX_AHEAD_MS;
  const now = options.now ?? Date.now;
  const { cors, json, problem, internal } = responses(options.allowOrigin);

  return async function handleAnalytics(request: Request): Promise<Response> {
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
    try {
      if (request.method !== 'POST')
        throw new Problem(405, 'method-not-allowed', 'Method Not Allowed', 'Send activity with POST');
      const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
      if (!token) throw new Problem(401, 'unauthorized', 'Unauthorized', 'A bearer token is required');
      let claims: Claims;
      try {
        claims = await ports.verifyToken(token);
      } catch {
        throw new Problem(401, 'unauthorized', 'Unauthorized', 'The bearer token is not valid');
      }
      if (
        typeof claims.sub !== 'string' ||
        !claims.app_metadata ||
        typeof claims.app_metadata.tenant_id !== 'string' ||
        !Array.isArray(claims.app_metadata.roles)
      )
        throw new Problem(401, 'unauthorized', 'Unauthorized', 'The bearer token lacks the tenant claims');

      const body = await readJson(request, maxBytes);
      if (!body || typeof body !== 'object' || Array.isArray(body))
        throw invalid('body', 'The body is not a JSON object');
      // The platform's one rule on text (NUL, lone surrogates, `__proto__` keys): the store would
      // refuse them, and that must be the caller's 400, not a 502.
      const unsafe = findUnsafeText(body, '');
      if (unsafe)
        throw new Problem(400, 'validation', 'Invalid request', describeUnsafeText(unsafe), {
          field: unsafe.field,
          reason: unsafe.reason,
        });
      const events = (body as { events?: unknown }).events;
      if (Array.isArray(events) && events.length > maxEvents)
        throw new Problem(
          413,
          'batch-too-large',
          'Payload Too Large',
          `At most ${maxEvents} events per request`,
        );
      const forged = forgedIdentity(body as Record<string, unknown>);
      if (forged)
        throw new Problem(
          400,
          'forged-identity',
          'Identity comes from the token',
          `${forged} must not be sent: events count for the token's tenant and user`,
          { field: forged },
        );
      const batch = validate(body);
      const at = now();
      for (const [index, event] of batch.events.entries()) {
        const when = Date.parse(event.at);
        if (when < at - maxAgeMs || when > at + maxAheadMs)
          throw new Problem(
            400,
            'clock-skew',
            'Event time out of range',
            `events.${index}.at must be within the last ${Math.round(maxAgeMs / 3_600_000)} h and at most ${Math.round(maxAheadMs / 60_000)} min ahead of the server's clock`,
            { field: `events.${index}.at` },
          );
      }

      let result: TrackResult;
      try {
        result = await ports.track(batch.events, { claims, token });
      } catch (error) {
        // The store's verdict on the caller (its token, its input) is the caller's answer.
        if (error instanceof UpstreamProblem && error.status >= 400 && error.status < 500)
          return json(error.status, error.document, 'application/problem+json');
        console.error(
          JSON.stringify({
            level: 'error',
            message: 'forwarding activity to analytics-service failed',
            error: String((error as Error)?.message ?? error),
          }),
        );
        throw new Problem(
          502,
          'analytics-unavailable',
          'Bad Gateway',
          'analytics-service did not take the events; send them again (ids make it safe)',
        );
      }
      return json(202, { accepted: result.accepted, duplicates: result.duplicates });
    } catch (error) {
      if (error instanceof Problem) return problem(error);
      console.error(
        JSON.stringify({
          level: 'error',
          message: 'analytics failed',
          error: String((error as Error)?.message ?? error),
        }),
      );
      return internal();
    }
  };
}

/** The first identity key in the body or in one of its events (`events.3.userId`). */
function forgedIdentity(body: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(body)) if (IDENTITY_KEYS.has(key)) return key;
  const events = body.events;
  if (!Array.isArray(events)) return undefined;
  for (const [index, event] of events.entries()) {
    if (!event || typeof event !== 'object' || Array.isArray(event)) continue;
    for (const key of Object.keys(event)) if (IDENTITY_KEYS.has(key)) return `events.${index}.${key}`;
  }
  return undefined;
}

/** The body against the one schema; the first error names its field (`events.2.type`). */
function validate(body: unknown): TrackBody {
  if (Value.Check(TrackBodySchema, body)) return body;
  const errors = [...Value.Errors(TrackBodySchema, body)];
  // The most specific error: the deepest path (a union's or additionalProperties' own report
  // on the parent is less useful than the field under it).
  const first = errors.reduce(
    (best, error) => (error.instancePath.length > best.instancePath.length ? error : best),
    errors[0]!,
  );
  const params = first.params as { additionalProperties?: string[]; requiredProperties?: string[] };
  const path = first.instancePath.split('/').filter(Boolean).join('.');
  const under = (key: string) => (path ? `${path}.${key}` : key);
  let field = path || 'body';
  let detail = `${field} ${first.message}`;
  if (params.additionalProperties?.length || first.keyword === 'boolean') {
    field = params.additionalProperties?.length ? under(params.additionalProperties[0]!) : field;
    detail = `${field} is not a known field`;
  } else if (params.requiredProperties?.length) {
    field = under(params.requiredProperties[0]!);
    detail = `${field} is required`;
  } else if (first.keyword === 'const' || first.keyword === 'anyOf') {
    detail = `${field} must be one of ${TRACK_EVENT_TYPES.join(', ')}`;
  }
  throw invalid(field, detail);
}
