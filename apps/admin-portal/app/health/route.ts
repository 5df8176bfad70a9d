export const dynamic = 'force-dynamic';

/** Liveness, as every service answers it: the process serves requests. */
export function GET() {
  return Response.json({ status: 'ok', service: 'admin-portal' });
}
