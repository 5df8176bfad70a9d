// A tenant admin's overview of their district (analytics-service's `GET /reports/tenant`), shared
// by the web app and the admin portal. Words come from the app (its catalog), numbers and dates
// are formatted for `locale`: this component holds no text of its own.
import type { paths as AnalyticsService } from '@eduspry/contracts/openapi/analytics-service';
import type { JsonAnswer } from '@eduspry/contracts/openapi-types';
import { BarChartCard, LineChartCard } from './charts.tsx';

/** `GET /reports/tenant` of analytics-service, as its route schema says (generated). */
export type TenantReport = JsonAnswer<AnalyticsService, '/reports/tenant', 'get'>;

export interface TenantOverviewLabels {
  heading: string;
  totals: string;
  users: string;
  activeUsers: string;
  itemsCompleted: string;
  attemptsSubmitted: string;
  minutes: string;
  activeUsersChart: string;
  day: string;
  courses: string;
  course: string;
  activeStudents: string;
  completionRate: string;
  gradeAverage: string;
  noData: string;
  chartNote: string;
}

/**
 * The labels from an app's catalog, where both apps keep them under the same keys of their
 * `analytics` namespace (`period` takes the report's first and last day).
 */
export function tenantOverviewLabels(
  t: (key: string, values?: Record<string, Date>) => string,
  report: Pick<TenantReport, 'from' | 'to'>,
): TenantOverviewLabels {
  return {
    heading: t('period', {
      from: new Date(`${report.from}T00:00:00Z`),
      to: new Date(`${report.to}T00:00:00Z`),
    }),
    totals: t('totals'),
    users: t('users'),
    activeUsers: t('activeUsers'),
    itemsCompleted: t('itemsCompleted'),
    attemptsSubmitted: t('attemptsSubmitted'),
    minutes: t('minutes'),
    activeUsersChart: t('activeUsers'),
    day: t('day'),
    courses: t('perCourse'),
    course: t('course'),
    activeStudents: t('activeStudents'),
    completionRate: t('completionRate'),
    gradeAverage: t('grade'),
    noData: t('noData'),
    chartNote: t('chartNote'),
  };
}

export function TenantOverview({
  report,
  labels,
  locale,
  courseName = (id) => id.slice(0, 8),
  courseHref,
}: {
  report: TenantReport;
  labels: TenantOverviewLabels;
  locale: string;
  /** A course's title when the app knows it (the report has ids only). */
  courseName?: (courseId: string) => string;
  courseHref?: (courseId: string) => string;
}) {
  const number = new Intl.NumberFormat(locale);
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const day = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const fullDay = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const totals: [string, number][] = [
    [labels.users, report.totals.users],
    [labels.activeUsers, report.totals.activeUsers],
    [labels.itemsCompleted, report.totals.itemsCompleted],
    [labels.attemptsSubmitted, report.totals.attemptsSubmitted],
    [labels.minutes, report.totals.minutes],
  ];
  const series = report.activeUsers.map((row) => ({
    x: day.format(new Date(`${row.day}T00:00:00Z`)),
    count: row.count,
  }));
  return (
    <section className="ui-overview" aria-labelledby="tenant-overview-heading">
      <h2 id="tenant-overview-heading">{labels.heading}</h2>
      <h3>{labels.totals}</h3>
      <ul className="ui-stats">
        {totals.map(([name, value]) => (
          <li key={name}>
            <strong>{number.format(value)}</strong> {name}
          </li>
        ))}
      </ul>
      <h3>{labels.activeUsersChart}</h3>
      {series.length ? (
        <>
          <LineChartCard
            label={labels.activeUsersChart}
            data={series}
            series={[{ key: 'count', label: labels.activeUsers }]}
          />
          <p className="ui-hint">{labels.chartNote}</p>
          <table>
            <caption className="ui-visually-hidden">{labels.activeUsersChart}</caption>
            <thead>
              <tr>
                <th scope="col">{labels.day}</th>
                <th scope="col">{labels.activeUsers}</th>
              </tr>
            </thead>
            <tbody>
              {report.activeUsers.map((row) => (
                <tr key={row.day}>
                  <td>{fullDay.format(new Date(`${row.day}T00:00:00Z`))}</td>
                  <td>{number.format(row.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p className="ui-empty">{labels.noData}</p>
      )}
      <h3>{labels.courses}</h3>
      {report.courses.length ? (
        <>
          <BarChartCard
            label={labels.courses}
            data={report.courses.map((c) => ({
              x: courseName(c.courseId),
              rate: Math.round(c.completionRate * 100),
            }))}
            series={[{ key: 'rate', label: labels.completionRate }]}
          />
          <table>
            <caption className="ui-visually-hidden">{labels.courses}</caption>
            <thead>
              <tr>
                <th scope="col">{labels.course}</th>
                <th scope="col">{labels.activeStudents}</th>
                <th scope="col">{labels.completionRate}</th>
                <th scope="col">{labels.gradeAverage}</th>
              </tr>
            </thead>
            <tbody>
              {report.courses.map((c) => (
                <tr key={c.courseId}>
                  <td>
                    {courseHref ? (
                      <a href={courseHref(c.courseId)}>{courseName(c.courseId)}</a>
                    ) : (
                      courseName(c.courseId)
                    )}
                  </td>
                  <td>{number.format(c.activeStudents)}</td>
                  <td>{percent.format(c.completionRate)}</td>
                  <td>{c.gradeAverage === null ? '—' : percent.format(c.gradeAverage / 100)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p className="ui-empty">{labels.noData}</p>
      )}
    </section>
  );
}
