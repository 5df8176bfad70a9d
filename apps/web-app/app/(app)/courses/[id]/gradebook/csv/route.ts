import { csvDownload } from '@/lib/gateway';

/** The course gradebook as assessment-service's CSV (staff only, it decides), as the signed-in user. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return csvDownload(
    'assessment-service',
    `/courses/${encodeURIComponent(id)}/gradebook.csv`,
    `gradebook-${id}.csv`,
  );
}
