import { ANALYTICS_SERVICE, reportRange } from '@/lib/analytics';
import { csvDownload } from '@/lib/gateway';

/** The course report's student table as CSV (analytics-service's `Accept: text/csv`), as the signed-in user. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const range = reportRange(Object.fromEntries(new URL(request.url).searchParams));
  const query = new URLSearchParams(
    Object.entries(range).filter((e): e is [string, string] => Boolean(e[1])),
  );
  return csvDownload(
    ANALYTICS_SERVICE,
    `/reports/courses/${encodeURIComponent(id)}?${query}`,
    `course-${id}.csv`,
  );
}
