import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dateRange, daysOf, gradeBuckets, riskReasons, skewProblem } from '../src/domain/rules.ts';

const now = new Date('2026-12-02T12:00:00Z');

test('date ranges: inclusive UTC days, 28 by default, refused when inverted, invalid or over 366 days', () => {
  assert.deepEqual(dateRange({}, now), { from: '2026-11-05', to: '2026-12-02' });
  assert.equal(daysOf(dateRange({}, now) as { from: string; to: string }).length, 28);
  assert.deepEqual(dateRange({ from: '2026-12-01', to: '2026-12-01' }, now), {
    from: '2026-12-01',
    to: '2026-12-01',
  });
  assert.equal(typeof dateRange({ from: '2026-12-02', to: '2026-12-01' }, now), 'string');
  assert.equal(typeof dateRange({ from: '2026-02-30' }, now), 'string');
  assert.equal(typeof dateRange({ from: '2024-01-01', to: '2026-01-01' }, now), 'string');
});

test('grade buckets: ten of ten points, 100 % in the last one', () => {
  const buckets = gradeBuckets([0, 9.99, 10, 55, 100, 100]);
  assert.deepEqual(
    buckets.map((b) => b.count),
    [2, 1, 0, 0, 0, 1, 0, 0, 0, 2],
  );
  assert.deepEqual([buckets[0]!.from, buckets[9]!.to], [0, 100]);
});

test('at-risk reasons follow the tenant thresholds', () => {
  const settings = { inactiveDays: 7, lowGradePercent: 60 };
  const enrolledAt = new Date('2026-11-01T00:00:00Z');
  const recent = new Date('2026-12-01T00:00:00Z');
  assert.deepEqual(
    riskReasons(
      { lastActivityAt: recent, enrolledAt, gradeAverage: 80, dueItems: 0, dueCompleted: 0 },
      settings,
      now,
    ),
    [],
  );
  assert.deepEqual(
    riskReasons(
      { lastActivityAt: null, enrolledAt, gradeAverage: 59.9, dueItems: 2, dueCompleted: 2 },
      settings,
      now,
    ).map((r) => r.code),
    ['inactive', 'low-grade'],
  );
  assert.deepEqual(
    riskReasons(
      { lastActivityAt: recent, enrolledAt, gradeAverage: null, dueItems: 3, dueCompleted: 1 },
      settings,
      now,
    ),
    [{ code: 'behind-schedule', detail: '1 of 3 items due by now completed' }],
  );
});

test('clock skew: 24 h back and 5 min ahead at most', () => {
  assert.equal(skewProblem(new Date(now.getTime() - 23 * 3600_000), now), undefined);
  assert.ok(skewProblem(new Date(now.getTime() - 25 * 3600_000), now));
  assert.ok(skewProblem(new Date(now.getTime() + 6 * 60_000), now));
  assert.ok(skewProblem(new Date('nonsense'), now));
});
