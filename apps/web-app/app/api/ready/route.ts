export const dynamic = 'force-dynamic';

/** Kept for probes configured before `/ready` existed: the same answer. */
export function GET() {
  return Response.json({ status: 'ready', service: 'web-app', checks: {} });
}
