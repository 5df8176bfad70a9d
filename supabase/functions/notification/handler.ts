/**
 * notification: the user-facing notification API at the edge. Every call is forwarded to
 * notification-service with the caller's own bearer token, so the service verifies it and runs
 * under the caller's claims (RLS): this function adds no privilege, only the Supabase-shaped URL
 * `/functions/v1/notification/<route>` and CORS for browsers.
 *
 *   GET  /inbox[?limit&before&unread]   → GET  /notifications
 *   GET  /unread-count                  → GET  /notifications/unread-count
 *   POST /inbox/<id>/read               → POST /notifications/<id>/read
 *   POST /inbox/read-all                → POST /notifications/read-all
 *   GET  /preferences, PUT /preferences → the same on the service
 *   POST /push-subscriptions            → the same on the service
 */

export interface NotificationPorts {
  /** Sends a request to notification-service (base URL and timeout live in the adapter). */
  forward(
    path: string,
    init: { method: string; headers: Record<string, string>; body?: string },
  ): Promise<Response>;
}

export interface NotificationOptions {
  allowOrigin?: string;
}

const PROBLEM_BASE = 'https://eduspry.dev/problems/';
const MAX_BYTES = 64 * 1024;
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

const ROUTES: {
  method: string;
  pattern: RegExp;
  target: (match: RegExpExecArray) => string;
  query?: boolean;
}[] = [
  { method: 'GET', pattern: /^\/inbox$/, target: () => '/notifications', query: true },
  { method: 'GET', pattern: /^\/unread-count$/, target: () => '/notifications/unread-count' },
  {
    method: 'POST',
    pattern: new RegExp(`^/inbox/(${UUID})/read$`),
    target: (m) => `/notifications/${m[1]}/read`,
  },
  { method: 'POST', pattern: /^\/inbox\/read-all$/, target: () => '/notifications/read-all' },
  { method: 'GET', pattern: /^\/preferences$/, target: () => '/preferences' },
  { method: 'PUT', pattern: /^\/preferences$/, target: () => '/preferences' },
  { method: 'POST', pattern: /^\/push-subscriptions$/, target: () => '/push-subscriptions' },
];

export function createNotificationHandler(ports: NotificationPorts, options: NotificationOptions = {}) {
  const cors = {
    'access-control-allow-origin': options.allowOrigin ?? '*',
    'access-control-allow-headers': 'authorization, content-type, apikey, x-client-info',
    'access-control-allow-methods': 'GET, POST, PUT, OPTIONS',
  };
  const problem = (status: number, code: string, title: string, detail: string) =>
    new Response(JSON.stringify({ type: PROBLEM_BASE + code, title, status, detail }), {
      status,
      headers: { ...cors, 'content-type': 'application/problem+json' },
    });

  return async (request: Request): Promise<Response> => {
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
    const url = new URL(request.url);
    const path = url.pathname.replace(/^(\/functions\/v1)?\/notification/, '') || '/';
    const authorization = request.headers.get('authorization');
    if (!authorization || !/^Bearer\s+\S+$/i.test(authorization))
      return problem(401, 'unauthorized', 'Unauthorized', 'A bearer token is required');
    const candidates = ROUTES.filter((route) => route.pattern.test(path));
    if (!candidates.length) return problem(404, 'not-found', 'Not Found', `No route ${path}`);
    const route = candidates.find((candidate) => candidate.method === request.method);
    if (!route) return problem(405, 'method-not-allowed', 'Method Not Allowed', `${request.method} ${path}`);
    const body = request.method === 'GET' ? undefined : await request.text();
    if (body && body.length > MAX_BYTES)
      return problem(413, 'payload-too-large', 'Payload Too Large', `at most ${MAX_BYTES} bytes`);
    const target = route.target(route.pattern.exec(path)!) + (route.query ? url.search : '');
    let upstream: Response;
    try {
      upstream = await ports.forward(target, {
        method: request.method,
        headers: { authorization, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body } : {}),
      });
    } catch {
      return problem(
        503,
        'notification-unavailable',
        'Service Unavailable',
        'notification-service did not answer',
      );
    }
    return new Response(upstream.body, {
      status: upstream.status,
      headers: { ...cors, 'content-type': upstream.headers.get('content-type') ?? 'application/json' },
    });
  };
}
