import { type TenantClaims, withTenant } from '@eduspry/common';
import { stringify } from 'csv-stringify/sync';
import {
  activeUsersByDay,
  courseEngagement,
  courseFunnel,
  coursePercents,
  courseStudents,
  findSettings,
  type Settings,
  studentActivity,
  studentCourses,
  tenantCourses,
  tenantTotals,
  upsertSettings,
} from '../db/reports.ts';
import { problems } from '../problems.ts';
import { requireAccess } from './access.ts';
import type { AnalyticsContext } from './context.ts';
import { type DateRange, dateRange, daysOf, gradeBuckets, riskReasons } from './rules.ts';

export interface RangeQuery {
  from?: string | undefined;
  to?: string | undefined;
}

function rangeOf(ctx: AnalyticsContext, query: RangeQuery): DateRange {
  const range = dateRange(query, ctx.now());
  if (typeof range === 'string') throw problems.create('invalid-range', range);
  return range;
}

/** Every day of the range, zero where nothing happened: charts need no gaps. */
function fill<T extends { day: string }>(range: DateRange, rows: T[], empty: (day: string) => T): T[] {
  const byDay = new Map(rows.map((row) => [row.day, row]));
  return daysOf(range).map((day) => byDay.get(day) ?? empty(day));
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);
const round = (value: number | null, digits = 2) =>
  value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;

export function tenantReport(ctx: AnalyticsContext, claims: TenantClaims, query: RangeQuery) {
  const range = rangeOf(ctx, query);
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'report:tenant');
    const r = { tenantId: claims.app_metadata.tenant_id, ...range };
    const [active, totals, courses] = await Promise.all([
      activeUsersByDay(tx, r),
      tenantTotals(tx, r),
      tenantCourses(tx, r),
    ]);
    return {
      ...range,
      activeUsers: fill(range, active, (day) => ({ day, count: 0 })),
      totals: { ...totals, minutes: round(totals.minutes)! },
      courses: courses.map((c) => ({
        ...c,
        completionRate: round(c.completionRate, 4)!,
        gradeAverage: round(c.gradeAverage),
      })),
    };
  });
}

export function courseReport(
  ctx: AnalyticsContext,
  claims: TenantClaims,
  courseId: string,
  query: RangeQuery,
) {
  const range = rangeOf(ctx, query);
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'report:course', { courseId });
    const tenantId = claims.app_metadata.tenant_id;
    const r = { tenantId, ...range };
    const now = ctx.now();
    const settings = await findSettings(tx, tenantId);
    const [engagement, funnel, percents, students] = await Promise.all([
      courseEngagement(tx, r, courseId),
      courseFunnel(tx, tenantId, courseId),
      coursePercents(tx, tenantId, courseId),
      courseStudents(tx, r, courseId, { now, graceDays: settings.scheduleGraceDays }),
    ]);
    const atRisk = students
      .map((student) => ({
        userId: student.userId,
        reasons: riskReasons({ ...student, enrolledAt: student.enrolledAt ?? now }, settings, now),
      }))
      .filter((student) => student.reasons.length > 0);
    const average = percents.length ? percents.reduce((a, b) => a + b, 0) / percents.length : null;
    return {
      courseId,
      ...range,
      engagement: fill(
        range,
        engagement.map((e) => ({ ...e, minutes: round(e.minutes)! })),
        (day) => ({ day, activeStudents: 0, minutes: 0 }),
      ),
      funnel,
      grades: { average: round(average), buckets: gradeBuckets(percents) },
      atRisk,
      students: students.map((s) => ({
        userId: s.userId,
        lastActivityAt: iso(s.lastActivityAt),
        minutes: round(s.minutes)!,
        itemsCompleted: s.itemsCompleted,
        videosWatched: s.videosWatched,
        gradeAverage: round(s.gradeAverage),
      })),
    };
  });
}

export function studentReport(
  ctx: AnalyticsContext,
  claims: TenantClaims,
  userId: string,
  query: RangeQuery,
) {
  const range = rangeOf(ctx, query);
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'report:student', { userId });
    const r = { tenantId: claims.app_metadata.tenant_id, ...range };
    const [activity, courses] = await Promise.all([
      studentActivity(tx, r, userId),
      studentCourses(tx, r, userId),
    ]);
    return {
      userId,
      ...range,
      activity: fill(
        range,
        activity.map((a) => ({ ...a, minutes: round(a.minutes)! })),
        (day) => ({ day, minutes: 0 }),
      ),
      courses: courses.map((c) => ({
        ...c,
        lastActivityAt: iso(c.lastActivityAt),
        minutes: round(c.minutes)!,
        gradeAverage: round(c.gradeAverage),
      })),
    };
  });
}

/** A spreadsheet cell never starts a formula (=, +, -, @, tab, CR): CSV injection. */
const cell = (value: unknown): string => {
  const text = value === null || value === undefined ? '' : String(value);
  return /^[=+\-@\t\r]/.test(text) && Number.isNaN(Number(text)) ? `'${text}` : text;
};

/** The report's main table as CSV (RFC 4180, header row first). */
export function toCsv(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  return stringify(
    rows.map((row) => columns.map((column) => cell(row[column]))),
    { header: true, columns: [...columns] },
  );
}

export function readSettings(ctx: AnalyticsContext, claims: TenantClaims): Promise<Settings> {
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'settings:read');
    return findSettings(tx, claims.app_metadata.tenant_id);
  });
}

export function writeSettings(
  ctx: AnalyticsContext,
  claims: TenantClaims,
  settings: Omit<Settings, 'scheduleGraceDays'> & { scheduleGraceDays?: number | undefined },
): Promise<Settings> {
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'settings:write');
    const tenantId = claims.app_metadata.tenant_id;
    // Left out (a client from before it existed): the tenant's current grace stays.
    const scheduleGraceDays =
      settings.scheduleGraceDays ?? (await findSettings(tx, tenantId)).scheduleGraceDays;
    return upsertSettings(tx, tenantId, { ...settings, scheduleGraceDays });
  });
}
