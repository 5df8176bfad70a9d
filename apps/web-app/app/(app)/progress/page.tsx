import { Alert, Card, EmptyState, ProgressBar } from '@eduspry/ui-components';
import { BarChartCard } from '@eduspry/ui-components/charts.tsx';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import { analyticsReport, reportRange, type StudentReport } from '@/lib/analytics';
import { gql } from '@/lib/gateway';
import { requireViewer } from '@/lib/viewer';
import { RangeForm } from '../range-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('analytics'))('progressTitle') };
}

/** A student's own progress: minutes per day and, per course, what is done of what there is. */
export default async function MyProgress({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const viewer = await requireViewer('/progress');
  const range = reportRange(await searchParams);
  const [answer, dashboard] = await Promise.all([
    analyticsReport<StudentReport>(`/reports/students/${encodeURIComponent(viewer.id)}`, range),
    gql<{ me: { courses: { id: string; title: string }[] | null } }>('Dashboard'),
  ]);
  const t = await getTranslations();
  const format = await getFormatter();
  const titles = new Map((dashboard.data?.me.courses ?? []).map((c) => [c.id, c.title]));
  const report = answer.data;
  const day = (value: string) => new Date(`${value}T00:00:00Z`);
  return (
    <>
      <h1 className="page-title">{t('analytics.progressTitle')}</h1>
      <RangeForm
        action="/progress"
        from={report?.from ?? range.from ?? ''}
        to={report?.to ?? range.to ?? ''}
      />
      {!report ? (
        <Alert kind="error">{t('analytics.unavailable')}</Alert>
      ) : (
        <>
          <p className="meta">{t('analytics.period', { from: day(report.from), to: day(report.to) })}</p>
          <Card title={t('analytics.activity')}>
            {report.activity.some((row) => row.minutes > 0) ? (
              <>
                <BarChartCard
                  label={t('analytics.activity')}
                  data={report.activity.map((row) => ({
                    x: format.dateTime(day(row.day), { month: 'short', day: 'numeric' }),
                    minutes: row.minutes,
                  }))}
                  series={[{ key: 'minutes', label: t('analytics.minutes') }]}
                />
                <p className="ui-hint">{t('analytics.chartNote')}</p>
                <table>
                  <caption className="ui-visually-hidden">{t('analytics.activity')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('analytics.day')}</th>
                      <th scope="col">{t('analytics.minutes')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.activity
                      .filter((row) => row.minutes > 0)
                      .map((row) => (
                        <tr key={row.day}>
                          <td>{format.dateTime(day(row.day), { dateStyle: 'medium' })}</td>
                          <td>{format.number(row.minutes)}</td>
                        </tr>
                      ))}
                  </tbody>
                </table>
              </>
            ) : (
              <EmptyState>{t('analytics.noData')}</EmptyState>
            )}
          </Card>
          <Card title={t('analytics.myCourses')}>
            {report.courses.length === 0 ? (
              <EmptyState>{t('analytics.noData')}</EmptyState>
            ) : (
              <table>
                <caption className="ui-visually-hidden">{t('analytics.myCourses')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('analytics.course')}</th>
                    <th scope="col">{t('analytics.itemsCompleted')}</th>
                    <th scope="col">{t('analytics.minutes')}</th>
                    <th scope="col">{t('analytics.videosWatched')}</th>
                    <th scope="col">{t('analytics.grade')}</th>
                    <th scope="col">{t('analytics.lastActivity')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.courses.map((c) => {
                    const title = titles.get(c.courseId) ?? c.courseId.slice(0, 8);
                    const percent = c.itemsTotal ? (c.itemsCompleted / c.itemsTotal) * 100 : 0;
                    return (
                      <tr key={c.courseId}>
                        <td>
                          <Link href={`/courses/${c.courseId}`}>{title}</Link>
                        </td>
                        <td>
                          <ProgressBar
                            percent={percent}
                            label={t('dashboard.progressIn', { title })}
                            valueText={t('analytics.items', { done: c.itemsCompleted, total: c.itemsTotal })}
                          />
                        </td>
                        <td>{format.number(c.minutes)}</td>
                        <td>{format.number(c.videosWatched)}</td>
                        <td>
                          {c.gradeAverage === null
                            ? t('analytics.noGrade')
                            : format.number(c.gradeAverage / 100, {
                                style: 'percent',
                                maximumFractionDigits: 0,
                              })}
                        </td>
                        <td>
                          {c.lastActivityAt
                            ? format.dateTime(new Date(c.lastActivityAt), { dateStyle: 'medium' })
                            : t('analytics.never')}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </Card>
        </>
      )}
    </>
  );
}
