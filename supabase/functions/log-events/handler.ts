/**
 * log-events: a browser or app sends a batch of log events for its tenant. Portable: a plain
 * `(Request) => Promise<Response>` over two ports, so the same code runs on Supabase Edge, on a
 * self-hosted Deno, or anywhere with the Fetch API.
 */

export interface Claims {
  sub: string;
  app_metadata: { tenant_id: string; roles: string[] };
  session_id?: string;
  [claim: string]: unknown;
}

export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

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
const LEVELS: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PROBLEM_BASE = 'https://eduspry.dev/problems/';

class Problem extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly extra: Record<string, unknown>;
  constructor(
    status: number,
    code: string,
    title: string,
    detail: string,
    extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.status = status;
    this.code = code;
    this.title = title;
    this.extra = extra;
  }
}

export function createLogEventsHandler(ports: LogEventsPorts, options: LogEventsOptions = {}) {
  const maxBytes = options.maxBytes ?? MAX_BYTES;
  const maxEvents = options.maxEvents ?? MAX_EVENTS;
  const cors = {
    'access-control-allow-origin': options.allowOrigin ?? '*',
    'access-control-allow-headers': 'authorization, content-type, x-client-info, apikey',
    'access-control-allow-methods': 'POST, OPTIONS',
  };
  const json = (status: number, body: unknown, type = 'application/json') =>
    new Response(JSON.stringify(body), { status, headers: { ...cors, 'content-type': type } });

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
      if (error instanceof Problem)
        return json(
          error.status,
          {
            type: PROBLEM_BASE + error.code,
            title: error.title,
            status: error.status,
            detail: error.message,
            ...error.extra,
          },
          'application/problem+json',
        );
      console.error(
        JSON.stringify({
          level: 'error',
          message: 'log-events failed',
          error: String((error as Error)?.message ?? error),
        }),
      );
      return json(
        500,
        { type: `${PROBLEM_BASE}internal`, title: 'Internal Server Error', status: 500 },
        'application/problem+json',
      );
    }
  };
}

/** Reads at most `maxBytes` of the body, whatever Content-Length claims, then parses it. */
async function readJson(request: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? ''))
    throw new Problem(415, 'unsupported-media-type', 'Unsupported Media Type', 'Send application/json');
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Problem(400, 'malformed-json', 'Invalid request', 'The body is not valid JSON', {
      field: 'body',
    });
  }
}

const tooLarge = (maxBytes: number) =>
  new Problem(413, 'payload-too-large', 'Payload Too Large', `The body is larger than ${maxBytes} bytes`);

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
  const optionalText = (field: string, max: number): string | null => {
    const value = e[field];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string' || value.length > max)
      throw invalid(field, `must be a string of at most ${max} characters`);
    return value;
  };
  if (!LEVELS.includes(e.level as Level)) throw invalid('level', `must be one of ${LEVELS.join(', ')}`);
  if (typeof e.message !== 'string' || e.message.length === 0 || e.message.length > 8192)
    throw invalid('message', 'must be a string of 1 to 8192 characters');
  let timestamp = new Date(now).toISOString();
  if (e.timestamp !== undefined) {
    const parsed = typeof e.timestamp === 'string' ? Date.parse(e.timestamp) : Number.NaN;
    if (Number.isNaN(parsed)) throw invalid('timestamp', 'is not an ISO date');
    if (parsed > now + 5 * 60_000 || parsed < now - 7 * 86_400_000)
      throw invalid('timestamp', 'must be within the last 7 days and not in the future');
    timestamp = new Date(parsed).toISOString();
  }
  const traceId = optionalText('traceId', 32);
  if (traceId && !/^[0-9a-f]{32}$/.test(traceId)) throw invalid('traceId', 'is not 32 hex digits');
  const spanId = optionalText('spanId', 16);
  if (spanId && !/^[0-9a-f]{16}$/.test(spanId)) throw invalid('spanId', 'is not 16 hex digits');
  const context = e.context ?? {};
  if (typeof context !== 'object' || Array.isArray(context) || JSON.stringify(context).length > 16_384)
    throw invalid('context', 'must be an object of at most 16 KiB');
  const tags = e.tags ?? [];
  if (
    !Array.isArray(tags) ||
    tags.length > 20 ||
    tags.some((tag) => typeof tag !== 'string' || tag.length > 100)
  )
    throw invalid('tags', 'must be at most 20 strings');
  const metrics = e.metrics ?? {};
  if (
    typeof metrics !== 'object' ||
    Array.isArray(metrics) ||
    Object.values(metrics).some((v) => typeof v !== 'number' || !Number.isFinite(v))
  )
    throw invalid('metrics', 'must be an object of numbers');
  return {
    timestamp,
    level: e.level as Level,
    // Client events are attributed to the client, never to a server-side service they name.
    service: `client:${optionalText('service', 60) ?? 'web'}`,
    component: optionalText('component', 200),
    traceId,
    spanId,
    tenantId: tenantId.toLowerCase(),
    tenantName: null,
    userId: claims.sub,
    sessionId: typeof claims.session_id === 'string' ? claims.session_id : null,
    message: e.message,
    context: context as Record<string, unknown>,
    tags: tags as string[],
    metrics: metrics as Record<string, number>,
    environment,
  };
}
