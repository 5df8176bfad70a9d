import { forwardedFor, GATEWAY_URL } from '@/lib/gateway';
import { accessToken } from '@/lib/session';

/** The course gradebook as assessment-service's CSV (staff only, it decides), as the signed-in user. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const token = await accessToken();
  if (!token) return new Response(null, { status: 401 });
  const answer = await fetch(
    `${GATEWAY_URL}/api/assessment-service/courses/${encodeURIComponent(id)}/gradebook.csv`,
    {
      headers: { accept: 'text/csv', authorization: `Bearer ${token}`, ...(await forwardedFor()) },
      cache: 'no-store',
      signal: AbortSignal.timeout(20_000),
    },
  ).catch(() => null);
  if (!answer) return new Response(null, { status: 503 });
  if (!answer.ok)
    return new Response(answer.body, {
      status: answer.status,
      headers: { 'content-type': answer.headers.get('content-type') ?? 'application/problem+json' },
    });
  return new Response(answer.body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="gradebook-${id.replace(/[^0-9a-f-]/gi, '')}.csv"`,
    },
  });
}
