import { errors, requireUser, type ServiceApp } from '@eduspry/common';
import { BusReport } from '@eduspry/event-bus';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Upstream } from './upstream.ts';

const ServiceHealth = Type.Object({
  service: Type.String(),
  ready: Type.Boolean(),
  /** The HTTP status of `/ready`, null when nothing answered in time. */
  status: Type.Union([Type.Integer(), Type.Null()]),
  /** The service's own dependency checks (`postgres: ok`, …), when it answered. */
  checks: Type.Record(Type.String(), Type.String()),
  /** Why it is not ready when it did not say: `timeout`, `unreachable`. */
  reason: Type.Optional(Type.String()),
  latencyMs: Type.Integer(),
  /** What the service's `GET /admin/bus` answered; null for a service without a bus or that is down. */
  bus: Type.Union([Type.Ref('BusReport'), Type.Null()]),
});

const PlatformHealth = Type.Object(
  {
    checkedAt: Type.String({ format: 'date-time' }),
    ready: Type.Boolean(),
    services: Type.Array(ServiceHealth),
  },
  { $id: 'PlatformHealth' },
);

async function fetchJson(url: string, headers: Record<string, string>, timeoutMs: number) {
  const started = performance.now();
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    return { status: response.status, body, ms: Math.round(performance.now() - started) };
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    return {
      status: null,
      body: null,
      reason: timedOut ? 'timeout' : 'unreachable',
      ms: Math.round(performance.now() - started),
    };
  }
}

/**
 * `GET /platform/health` (super admin only): every upstream's `/ready` and its event bus
 * (`/admin/bus`, asked with the caller's own token so the service authorises it again), asked
 * in parallel, each with a short timeout, answered as one document. The operational paths stay
 * closed to the pass-through; this is the one way they are seen from outside, and only as this.
 */
export async function platformHealthRoutes(
  app: ServiceApp,
  // Each upstream gets `timeoutMs` (GATEWAY_HEALTH_TIMEOUT_MS): one slow service must not hold the page.
  { upstreams, timeoutMs }: { upstreams: Map<string, Upstream>; timeoutMs: number },
): Promise<void> {
  app.addSchema(BusReport);
  app.addSchema(PlatformHealth);
  app.get(
    '/platform/health',
    {
      schema: {
        tags: ['platform'],
        summary: "Every service's readiness and event bus, for the super admin",
        security: [{ bearerAuth: [] }],
        response: { 200: Type.Ref('PlatformHealth'), ...errors(401, 403) },
      },
    },
    async (request: FastifyRequest) => {
      await requireUser(request, { anyOf: ['super_admin'] });
      const authorization = request.headers.authorization ?? '';
      const services = await Promise.all(
        [...upstreams].map(async ([service, upstream]) => {
          const base = upstream.baseUrl.replace(/\/$/, '');
          const [ready, bus] = await Promise.all([
            fetchJson(`${base}/ready`, { accept: 'application/json', 'x-request-id': request.id }, timeoutMs),
            fetchJson(
              `${base}/admin/bus`,
              {
                accept: 'application/json',
                authorization,
                'x-request-id': request.id,
              },
              timeoutMs,
            ),
          ]);
          const answer = ready.body as { checks?: Record<string, unknown> } | null;
          const checks = Object.fromEntries(
            Object.entries(answer?.checks ?? {}).map(([name, state]) => [name, String(state)]),
          );
          return {
            service,
            ready: ready.status === 200,
            status: ready.status,
            checks,
            ...(ready.reason ? { reason: ready.reason } : {}),
            latencyMs: ready.ms,
            bus: bus.status === 200 ? (bus.body as never) : null,
          };
        }),
      );
      return {
        checkedAt: new Date().toISOString(),
        ready: services.every((service) => service.ready),
        services,
      };
    },
  );
}
