export const dynamic = 'force-dynamic';

/**
 * Readiness for `npm start` and orchestrators' probes, shaped as the services' `/ready`: the app
 * serves pages. The gateway's readiness is its own (pages show its errors when it is down).
 */
export function GET() {
  return Response.json({ status: 'ready', service: 'admin-portal', checks: {} });
}
