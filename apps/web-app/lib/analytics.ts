import 'server-only';
import type { paths as AnalyticsService } from '@eduspry/contracts/openapi/analytics-service';
import type { JsonAnswer } from '@eduspry/contracts/openapi-types';
import { rest } from './gateway';

/** analytics-service behind the gateway's `/api/<service>/` passthrough. */
export const ANALYTICS_SERVICE = 'analytics-service';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The `from`/`to` of a report page's query, kept only when they are ISO days (else the service's default). */
export function reportRange(params: Record<string, string | undefined>): { from?: string; to?: string } {
  const pick = (value: string | undefined) =>
    value && DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? value : undefined;
  return { from: pick(params.from), to: pick(params.to) };
}

export async function analyticsReport<T>(path: string, range: { from?: string; to?: string }) {
  const query = new URLSearchParams(
    Object.entries(range).filter((e): e is [string, string] => Boolean(e[1])),
  );
  const search = query.toString();
  return rest<T>(ANALYTICS_SERVICE, `${path}${search ? `?${search}` : ''}`);
}

/** analytics-service `GET /reports/courses/{courseId}`, as its route schema says (generated, never by hand). */
export type CourseReport = JsonAnswer<AnalyticsService, '/reports/courses/{courseId}', 'get'>;

/** analytics-service `GET /reports/students/{userId}`. */
export type StudentReport = JsonAnswer<AnalyticsService, '/reports/students/{userId}', 'get'>;
