import { auditEvents, parseFilters, toCsv } from '@/lib/audit';
import { viewer } from '@/lib/viewer';

export const dynamic = 'force-dynamic';

/** The filtered audit log as CSV (up to 100,000 lines), for the signed-in tenant admin. */
export async function GET(request: Request) {
  const who = await viewer();
  const problem = (status: number, title: string) =>
    Response.json(
      { type: 'about:blank', status, title },
      { status, headers: { 'content-type': 'application/problem+json' } },
    );
  if (!who) return problem(401, 'Sign in first');
  const { filters, errors } = parseFilters(Object.fromEntries(new URL(request.url).searchParams));
  if (Object.keys(errors).length) return problem(400, `Invalid filter: ${Object.keys(errors).join(', ')}`);
  const result = await auditEvents(who.tenantId, filters, 100_000);
  if (!result.ok) return problem(result.status, 'The audit log is unavailable');
  return new Response(toCsv(result.items), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="audit-${who.tenantSlug}.csv"`,
      'cache-control': 'no-store',
    },
  });
}
