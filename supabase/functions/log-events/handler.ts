/**
 * log-events: a browser or app sends a batch of log events for its tenant. Portable: a plain
 * `(Request) => Promise<Response>` over two ports, so the same code runs on Supabase Edge, on a
 * self-hosted Deno, or anywhere with the Fetch API.
 */
import { describeUnsafeText, findUnsafeText } from '../../../packages/common/src/text-guard.ts';
import {
  ClientLogEventSchema,
  type LOG_LEVELS,
  logLineError,
} from '../../../packages/logging/src/log-line.ts';
import { Problem, readJson, responses } from '../_shared/http.ts';

export interface Claims {
  sub: string;
  app_metadata: { tenant_id: string; roles: string[] };
  session_id?: string;
  [claim: string]: unknown;
}

export type Level = (typeof LOG_LEVELS)[number];

/** One stored line: the platform's standard log shape. */
export interface LogEvent {
  timestamp: string;
  level: Level;
  service: string;
  component: string | null;
  traceId: string | null;
  spanId: string | null;
  tenantId: string;
  tenantName: null;
  userId: string;
  sessionId: string | null;
  message: string;
  context: Record<string, unknown>;
  tags: string[];
  metrics: Record<string, number>;
  environment: string;
}

export interface LogEventsPorts {
  /** Verifies a bearer token (signature, expiry, issuer) and returns its claims; throws if invalid. */
  verifyToken(token: string): Promise<Claims>;
  /** Writes every event in one batch: all stored or none. `token` lets an adapter act as the caller. */
  writeEvents(events: LogEvent[], caller: { claims: Claims; token: string }): Promise<void>;
}

export interface LogEventsOptions {
  /** Documented limits: 256 KiB of JSON and 500 events per request. */
  maxBytes?: number;
  maxEvents?: number;
  environment?: string;
  /** Origins allowed to call from a browser; `*` by default. */
  allowOrigin?: string;
}

export const MAX_BYTES = 256 * 1024;
export const MAX_EVENTS = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createLogEventsHandler(ports: LogEventsPorts, options: LogEventsOptions = {}) {
  const maxBytes = options.maxBytes ?? MAX_BYTES;
  const maxEvents = options.maxEvents ?? MAX_EVENTS;
  const { cors, json, problem, internal } = responses(options.allowOrigin);

  return async function handleLogEvents(request: Request): Promise<Response> {
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
    try {
      if (request.method !== 'POST')
        throw new Problem(405, 'method-not-allowed', 'Method Not Allowed', 'Send log events with POST');
      const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
      if (!token) throw new Problem(401, 'unauthorized', 'Unauthorized', 'A bearer token is required');
      let claims: Claims;
      try {
        claims = await ports.verifyToken(token);
      } catch {
        throw new Problem(401, 'unauthorized', 'Unauthorized', 'The bearer token is not valid');
      }
      if (
        !claims.app_metadata ||
        typeof claims.app_metadata.tenant_id !== 'string' ||
        !Array.isArray(claims.app_metadata.roles)
      )
        throw new Problem(401, 'unauthorized', 'Unauthorized', 'The bearer token lacks the tenant claims');

      const body = await readJson(request, maxBytes);
      if (!body || typeof body !== 'object' || Array.isArray(body))
        throw new Problem(400, 'validation', 'Invalid request', 'The body is not a JSON object', {
          field: 'body',
        });
      // The platform's one rule on text (NUL, lone surrogates, `__proto__` keys): the store would
      // refuse them, and that must be the caller's 400, not a 502.
      const unsafe = findUnsafeText(body, '');
      if (unsafe)
        throw new Problem(400, 'validation', 'Invalid request', describeUnsafeText(unsafe), {
          field: unsafe.field,
          reason: unsafe.reason,
        });
      const { tenantId, events } = body as { tenantId?: unknown; events?: unknown };
      if (typeof tenantId !== 'string' || !UUID.test(tenantId))
        throw new Problem(400, 'validation', 'Invalid request', 'tenantId must be a uuid', {
          field: 'tenantId',
        });
      if (!Array.isArray(events) || events.length === 0)
        throw new Problem(400, 'validation', 'Invalid request', 'events must be a non-empty array', {
          field: 'events',
        });
      if (events.length > maxEvents)
        throw new Problem(
          413,
          'batch-too-large',
          'Payload Too Large',
          `At most ${maxEvents} events per request`,
        );
      const superAdmin = claims.app_metadata.roles.includes('super_admin');
      if (!superAdmin && tenantId.toLowerCase() !== claims.app_metadata.tenant_id.toLowerCase())
        throw new Problem(403, 'forbidden', 'Forbidden', "tenantId is not the token's tenant");

      const now = Date.now();
      const lines = events.map((event, index) =>
        toLogEvent(event, index, { tenantId, claims, now, environment: options.environment ?? 'production' }),
      );
      try {
        await ports.writeEvents(lines, { claims, token });
      } catch (error) {
        // The store refused the caller's input or token (a 4xx): that is the caller's answer.
        const status = (error as { status?: unknown })?.status;
        if (typeof status === 'number' && status >= 400 && status < 500)
          throw new Problem(
            status,
            'rejected-by-log-store',
            'Rejected',
            'The log store refused these events',
          );
        console.error(
          JSON.stringify({
            level: 'error',
            message: 'writing log events failed',
            error: String((error as Error)?.message ?? error),
          }),
        );
        throw new Problem(
          502,
          'log-store-unavailable',
          'Bad Gateway',
          'The log store did not take the events; nothing was stored',
        );
      }
      return json(200, { stored: lines.length });
    } catch (error) {
      if (error instanceof Problem) return problem(error);
      console.error(
        JSON.stringify({
          level: 'error',
          message: 'log-events failed',
          error: String((error as Error)?.message ?? error),
        }),
      );
      return internal();
    }
  };
}

function toLogEvent(
  event: unknown,
  index: number,
  {
    tenantId,
    claims,
    now,
    environment,
  }: { tenantId: string; claims: Claims; now: number; environment: string },
): LogEvent {
  const invalid = (field: string, problem: string) =>
    new Problem(400, 'validation', 'Invalid request', `events.${index}.${field} ${problem}`, {
      field: `events.${index}.${field}`,
    });
  if (!event || typeof event !== 'object' || Array.isArray(event)) throw invalid('', 'is not an object');
  const e = event as Record<string, unknown>;
  // The one log line schema (packages/logging): fields, types and limits, as logging-service checks them.
  const broken = logLineError(ClientLogEventSchema, e);
  if (broken) throw invalid(broken.field, broken.problem);
  const optionalText = (field: string): string | null => (e[field] as string | null | undefined) ?? null;
  let timestamp = new Date(now).toISOString();
  if (e.timestamp !== undefined) {
    const parsed = typeof e.timestamp === 'string' ? Date.parse(e.timestamp) : Number.NaN;
    if (Number.isNaN(parsed)) throw invalid('timestamp', 'is not an ISO date');
    if (parsed > now + 5 * 60_000 || parsed < now - 7 * 86_400_000)
      throw invalid('timestamp', 'must be within the last 7 days and not in the future');
    timestamp = new Date(parsed).toISOString();
  }
  const traceId = optionalText('traceId');
  const spanId = optionalText('spanId');
  const context = e.context ?? {};
  if (JSON.stringify(context).length > 16_384)
    throw invalid('context', 'must be an object of at most 16 KiB');
  const tags = e.tags ?? [];
  const metrics = e.metrics ?? {};
  return {
    timestamp,
    level: e.level as Level,
    // Client events are attributed to the client, never to a server-side service they name.
    service: `client:${optionalText('service') ?? 'web'}`,
    component: optionalText('component'),
    traceId,
    spanId,
    tenantId: tenantId.toLowerCase(),
    tenantName: null,
    userId: claims.sub,
    sessionId: typeof claims.session_id === 'string' ? claims.session_id : null,
    message: e.message as string,
    context: context as Record<string, unknown>,
    tags: tags as string[],
    metrics: metrics as Record<string, number>,
    environment,
  };
}
