import { errors, requireUser, type ServiceApp } from '@eduspry/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AnalyticsContext } from '../domain/context.ts';
import { courseReport, studentReport, tenantReport, toCsv } from '../domain/reports.ts';
import { CourseReport, RangeQuery, StudentReport, security, TenantReport, Uuid } from './schemas.ts';

const wantsCsv = (request: FastifyRequest) => {
  const format = (request.query as { format?: string }).format;
  return format === 'csv' || (format !== 'json' && /\btext\/csv\b/i.test(request.headers.accept ?? ''));
};

/** JSON, or the report's main table as CSV when asked for (Accept: text/csv or ?format=csv). */
function answer<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  report: T,
  csv: { name: string; rows: (report: T) => Record<string, unknown>[]; columns: string[] },
) {
  if (!wantsCsv(request)) return report;
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${csv.name}.csv"`)
    .send(toCsv(csv.rows(report), csv.columns));
}

const csvResponse = {
  description: 'JSON, or text/csv of the main table with Accept: text/csv or ?format=csv',
};

/** Transport only: schema, one use case, the reply. */
export async function reportRoutes(app: ServiceApp, { ctx }: { ctx: AnalyticsContext }): Promise<void> {
  app.get(
    '/reports/tenant',
    {
      schema: {
        summary: 'Tenant overview for a date range (tenant admins); CSV: the courses table',
        security,
        querystring: RangeQuery,
        response: { 200: { ...TenantReport, ...csvResponse }, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) =>
      answer(request, reply, await tenantReport(ctx, await requireUser(request), request.query), {
        name: 'tenant-report',
        rows: (report) => report.courses,
        columns: ['courseId', 'activeStudents', 'completionRate', 'gradeAverage'],
      }),
  );
  app.get(
    '/reports/courses/:courseId',
    {
      schema: {
        summary: 'One course for a date range (its teachers and TAs, tenant admins); CSV: the students table',
        security,
        params: Type.Object({ courseId: Uuid }),
        querystring: RangeQuery,
        response: { 200: { ...CourseReport, ...csvResponse }, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) =>
      answer(
        request,
        reply,
        await courseReport(ctx, await requireUser(request), request.params.courseId, request.query),
        {
          name: `course-${request.params.courseId}`,
          rows: (report) => report.students,
          columns: ['userId', 'lastActivityAt', 'minutes', 'itemsCompleted', 'videosWatched', 'gradeAverage'],
        },
      ),
  );
  app.get(
    '/reports/students/:userId',
    {
      schema: {
        summary:
          'One student for a date range (the student, staff of a shared course for its rows, tenant admins); CSV: the courses table',
        security,
        params: Type.Object({ userId: Uuid }),
        querystring: RangeQuery,
        response: { 200: { ...StudentReport, ...csvResponse }, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) =>
      answer(
        request,
        reply,
        await studentReport(ctx, await requireUser(request), request.params.userId, request.query),
        {
          name: `student-${request.params.userId}`,
          rows: (report) => report.courses,
          columns: [
            'courseId',
            'lastActivityAt',
            'minutes',
            'itemsCompleted',
            'itemsTotal',
            'videosWatched',
            'gradeAverage',
          ],
        },
      ),
  );
}
