import { Alert, Badge, Card, EmptyState } from '@eduspry/ui-components';
import { BarChartCard, LineChartCard } from '@eduspry/ui-components/charts.tsx';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import { analyticsReport, type CourseReport, reportRange } from '@/lib/analytics';
import { gql } from '@/lib/gateway';
import { Person, rosterNames } from '../../../person';
import { RangeForm } from '../../../range-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('analytics'))('courseTitle') };
}

/** An instructor's view of a course: engagement, the completion funnel, grades, who is at risk and why. */
export default async function CourseAnalytics({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { id } = await params;
  const range = reportRange(await searchParams);
  const [{ data: course }, answer, { data: roster }] = await Promise.all([
    gql<{ course: { id: string; title: string; modules: { id: string; title: string }[] | null } | null }>(
      'CoursePage',
      { id },
    ),
    analyticsReport<CourseReport>(`/reports/courses/${encodeURIComponent(id)}`, range),
    // Students by name: analytics keeps ids only, the course roster has the names.
    gql<{ course: { roster: { userId: string; displayName: string | null }[] | null } | null }>('Roster', {
      id,
    }),
  ]);
  if (!course?.course) notFound();
  const t = await getTranslations('analytics');
  const format = await getFormatter();
  const report = answer.data;
  const day = (value: string) => new Date(`${value}T00:00:00Z`);
  const short = (value: string) => format.dateTime(day(value), { month: 'short', day: 'numeric' });
  const names = rosterNames(roster?.course?.roster);
  const moduleTitle = new Map((course.course.modules ?? []).map((m) => [m.id, m.title]));
  const grade = (value: number | null) =>
    value === null
      ? t('noGrade')
      : format.number(value / 100, { style: 'percent', maximumFractionDigits: 0 });
  return (
    <>
      <p className="meta">
        <Link href={`/courses/${id}`}>
          <span aria-hidden="true">← </span>
          {course.course.title}
        </Link>
      </p>
      <h1 className="page-title">{t('courseTitle')}</h1>
      <RangeForm
        action={`/courses/${id}/analytics`}
        from={report?.from ?? range.from ?? ''}
        to={report?.to ?? range.to ?? ''}
      />
      {!report ? (
        <Alert kind="error">
          {answer.status === 403 || answer.status === 404 ? t('forbidden') : t('unavailable')}
        </Alert>
      ) : (
        <>
          <p className="meta">
            {t('period', { from: day(report.from), to: day(report.to) })} ·{' '}
            <a
              href={`/courses/${id}/analytics/csv?${new URLSearchParams({ from: report.from, to: report.to })}`}
              download
            >
              {t('downloadCsv')}
            </a>
          </p>
          <Card title={t('engagement')}>
            {report.engagement.length ? (
              <>
                <LineChartCard
                  label={t('engagementSummary')}
                  data={report.engagement.map((row) => ({
                    x: short(row.day),
                    active: row.activeStudents,
                    minutes: row.minutes,
                  }))}
                  series={[
                    { key: 'active', label: t('activeStudents') },
                    { key: 'minutes', label: t('minutes') },
                  ]}
                />
                <p className="ui-hint">{t('chartNote')}</p>
                <table>
                  <caption className="ui-visually-hidden">{t('engagementSummary')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('day')}</th>
                      <th scope="col">{t('activeStudents')}</th>
                      <th scope="col">{t('minutes')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.engagement.map((row) => (
                      <tr key={row.day}>
                        <td>{format.dateTime(day(row.day), { dateStyle: 'medium' })}</td>
                        <td>{format.number(row.activeStudents)}</td>
                        <td>{format.number(row.minutes)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            ) : (
              <EmptyState>{t('noData')}</EmptyState>
            )}
          </Card>
          <Card title={t('funnel')}>
            {report.funnel.length ? (
              <>
                <BarChartCard
                  label={t('funnel')}
                  data={report.funnel.map((row) => ({
                    x: moduleTitle.get(row.moduleId) ?? t('funnelModule', { position: row.position + 1 }),
                    started: row.started,
                    completed: row.completed,
                  }))}
                  series={[
                    { key: 'started', label: t('started') },
                    { key: 'completed', label: t('completed') },
                  ]}
                />
                <table>
                  <caption className="ui-visually-hidden">{t('funnel')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('module')}</th>
                      <th scope="col">{t('started')}</th>
                      <th scope="col">{t('completed')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.funnel.map((row) => (
                      <tr key={row.moduleId}>
                        <td>
                          {moduleTitle.get(row.moduleId) ?? t('funnelModule', { position: row.position + 1 })}
                        </td>
                        <td>{format.number(row.started)}</td>
                        <td>{format.number(row.completed)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            ) : (
              <EmptyState>{t('noData')}</EmptyState>
            )}
          </Card>
          <Card title={t('grades')}>
            {report.grades.average === null ? (
              <EmptyState>{t('noGrades')}</EmptyState>
            ) : (
              <>
                <p>{t('gradeAverage', { average: report.grades.average / 100 })}</p>
                <BarChartCard
                  label={t('grades')}
                  data={report.grades.buckets.map((b) => ({
                    x: t('bucket', { from: b.from, to: b.to }),
                    count: b.count,
                  }))}
                  series={[{ key: 'count', label: t('students') }]}
                />
                <table>
                  <caption className="ui-visually-hidden">{t('grades')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('range10')}</th>
                      <th scope="col">{t('students')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.grades.buckets.map((b) => (
                      <tr key={b.from}>
                        <td>{t('bucket', { from: b.from, to: b.to })}</td>
                        <td>{format.number(b.count)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
          </Card>
          <Card title={t('atRisk')}>
            {report.atRisk.length === 0 ? (
              <EmptyState>{t('noneAtRisk')}</EmptyState>
            ) : (
              <table>
                <caption className="ui-visually-hidden">{t('atRisk')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('student')}</th>
                    <th scope="col">{t('why')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.atRisk.map((student) => (
                    <tr key={student.userId}>
                      <td>
                        <Person id={student.userId} names={names} />
                      </td>
                      <td>
                        <ul className="reasons">
                          {student.reasons.map((reason) => (
                            <li key={reason.code}>
                              <Badge tone="locked">
                                {t.has(`reason.${reason.code}`) ? t(`reason.${reason.code}`) : reason.code}
                              </Badge>{' '}
                              {reason.detail}
                            </li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
          <Card title={t('students')}>
            {report.students.length === 0 ? (
              <EmptyState>{t('noData')}</EmptyState>
            ) : (
              <table>
                <caption className="ui-visually-hidden">{t('students')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('student')}</th>
                    <th scope="col">{t('lastActivity')}</th>
                    <th scope="col">{t('minutes')}</th>
                    <th scope="col">{t('itemsCompleted')}</th>
                    <th scope="col">{t('videosWatched')}</th>
                    <th scope="col">{t('grade')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.students.map((s) => (
                    <tr key={s.userId}>
                      <td>
                        <Person id={s.userId} names={names} />
                      </td>
                      <td>
                        {s.lastActivityAt
                          ? format.dateTime(new Date(s.lastActivityAt), {
                              dateStyle: 'medium',
                              timeStyle: 'short',
                            })
                          : t('never')}
                      </td>
                      <td>{format.number(s.minutes)}</td>
                      <td>{format.number(s.itemsCompleted)}</td>
                      <td>{format.number(s.videosWatched)}</td>
                      <td>{grade(s.gradeAverage)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
        </>
      )}
    </>
  );
}
