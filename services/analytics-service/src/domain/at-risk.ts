import { asPlatform } from '@eduspry/common';
import { createEvent } from '@eduspry/contracts';
import { appendAllToOutbox, type OutboxEntry } from '@eduspry/event-bus';
import { deleteExpiredEvents, dropDayPartitionsBefore } from '../db/ingest.ts';
import { courseStudents, DEFAULT_SETTINGS, findSettings } from '../db/reports.ts';
import type { AnalyticsContext } from './context.ts';
import { dayOf, riskReasons } from './rules.ts';

/**
 * Finds students who became at risk since the last sweep (inactivity is a matter of time passing,
 * so it cannot wait for an event) and emits `analytics.engagement.student_at_risk` to each teacher
 * and TA of the course, once; students no longer at risk are forgotten, so a relapse is told again.
 */
export function sweepAtRisk(ctx: AnalyticsContext): Promise<{ newlyAtRisk: number; recovered: number }> {
  return asPlatform(ctx.sql, 'at-risk sweep across tenants', ctx.log, async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtextextended('analytics.at-risk-sweep', 0))`;
    const now = ctx.now();
    const to = dayOf(now);
    const from = dayOf(new Date(now.getTime() - 27 * 86400_000));
    const courses = await tx<{ tenantId: string; courseId: string }[]>`
      select distinct tenant_id as "tenantId", course_id as "courseId" from analytics.enrollments where active`;
    let newlyAtRisk = 0;
    let recovered = 0;
    const settingsOf = new Map<string, typeof DEFAULT_SETTINGS>();
    for (const { tenantId, courseId } of courses) {
      const settings = settingsOf.get(tenantId) ?? (await findSettings(tx, tenantId));
      settingsOf.set(tenantId, settings);
      const students = await courseStudents(tx, { tenantId, from, to }, courseId, {
        now,
        graceDays: settings.scheduleGraceDays,
      });
      const atRisk = new Map(
        students
          .map(
            (s) => [s.userId, riskReasons({ ...s, enrolledAt: s.enrolledAt ?? now }, settings, now)] as const,
          )
          .filter(([, reasons]) => reasons.length > 0),
      );
      const known = new Set(
        (
          await tx<{ userId: string }[]>`
            select user_id as "userId" from analytics.at_risk where tenant_id = ${tenantId} and course_id = ${courseId}`
        ).map((row) => row.userId),
      );
      const gone = [...known].filter((userId) => !atRisk.has(userId));
      if (gone.length) {
        await tx`delete from analytics.at_risk
          where tenant_id = ${tenantId} and course_id = ${courseId} and user_id = any(${gone}::uuid[])`;
        recovered += gone.length;
      }
      const fresh = [...atRisk].filter(([userId]) => !known.has(userId));
      if (!fresh.length) continue;
      const staff = await tx<{ userId: string }[]>`
        select user_id as "userId" from analytics.enrollments
        where tenant_id = ${tenantId} and course_id = ${courseId} and active and role in ('teacher', 'ta')`;
      const entries: OutboxEntry[] = [];
      for (const [studentId, reasons] of fresh) {
        await tx`insert into analytics.at_risk (tenant_id, course_id, user_id, reasons, since)
          values (${tenantId}, ${courseId}, ${studentId}, ${reasons.map((r) => r.code)}, ${now})
          on conflict do nothing`;
        for (const { userId } of staff)
          entries.push({
            schema: 'analytics',
            key: studentId,
            event: createEvent('analytics.engagement.student_at_risk', {
              tenantId,
              data: {
                userId,
                studentId,
                courseId,
                reasons: reasons.map((r) => r.code),
                details: reasons.map((r) => r.detail),
                detectedAt: now.toISOString(),
              },
            }),
          });
      }
      await appendAllToOutbox(tx, entries);
      newlyAtRisk += fresh.length;
    }
    return { newlyAtRisk, recovered };
  });
}

/** Raw events past each tenant's retention go; whole day partitions past the longest one are dropped. */
export function applyRetention(ctx: AnalyticsContext): Promise<{ deleted: number; dropped: string[] }> {
  return asPlatform(ctx.sql, 'analytics retention across tenants', ctx.log, async (tx) => {
    const now = ctx.now();
    const [longest] = await tx<{ days: number }[]>`
      select greatest(${DEFAULT_SETTINGS.retentionDays}::int, coalesce(max(retention_days), 0))::int as days
      from analytics.settings`;
    const dropped = await dropDayPartitionsBefore(
      tx,
      dayOf(new Date(now.getTime() - (longest!.days + 1) * 86400_000)),
    );
    const deleted = await deleteExpiredEvents(tx, DEFAULT_SETTINGS.retentionDays, now);
    return { deleted, dropped };
  });
}
