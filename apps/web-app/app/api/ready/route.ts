export const dynamic = 'force-dynamic';

/** Readiness for `npm start` and probes: the app serves; the gateway's own readiness is separate. */
export function GET() {
  return Response.json({ status: 'ready', service: 'web-app' });
}
