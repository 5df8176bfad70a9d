import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  answersReleased,
  attemptDeadline,
  computeStudentGrade,
  effectiveTiming,
  type GradebookItem,
  type ItemGrade,
  itemScore,
  letterFor,
  pastGrace,
  startRefusal,
} from '../src/domain/rules.ts';

const at = (iso: string) => new Date(iso);
const quiz = {
  opensAt: at('2026-01-01T09:00:00Z'),
  dueAt: at('2026-01-02T09:00:00Z'),
  closesAt: at('2026-01-03T09:00:00Z'),
  timeLimitSeconds: 1800,
  attemptsAllowed: 1,
};

describe('timing', () => {
  test('accommodations add time and attempts and replace dates', () => {
    const mine = effectiveTiming(quiz, {
      extraTimeSeconds: 900,
      extraAttempts: 2,
      opensAt: null,
      dueAt: null,
      closesAt: at('2026-01-05T09:00:00Z'),
    });
    assert.equal(mine.timeLimitSeconds, 2700);
    assert.equal(mine.attemptsAllowed, 3);
    assert.equal(mine.closesAt?.toISOString(), '2026-01-05T09:00:00.000Z');
    assert.equal(mine.opensAt, quiz.opensAt);
  });
  test('the deadline is the time limit or the close date, whichever comes first', () => {
    assert.equal(
      attemptDeadline(quiz, at('2026-01-01T10:00:00Z'))?.toISOString(),
      '2026-01-01T10:30:00.000Z',
    );
    assert.equal(
      attemptDeadline(quiz, at('2026-01-03T08:50:00Z'))?.toISOString(),
      '2026-01-03T09:00:00.000Z',
    );
    assert.equal(
      attemptDeadline({ ...quiz, timeLimitSeconds: null, closesAt: null }, at('2026-01-01T10:00:00Z')),
      null,
    );
  });
  test('starting needs the window open and an attempt left', () => {
    assert.equal(startRefusal(quiz, 0, at('2026-01-01T08:00:00Z')), 'quiz-not-open');
    assert.equal(startRefusal(quiz, 0, at('2026-01-03T09:00:00Z')), 'quiz-not-open');
    assert.equal(startRefusal(quiz, 1, at('2026-01-01T10:00:00Z')), 'no-attempts-left');
    assert.equal(startRefusal(quiz, 0, at('2026-01-01T10:00:00Z')), null);
  });
  test('grace: a request just after the deadline counts, one past the grace does not', () => {
    const deadline = at('2026-01-01T10:00:00Z');
    assert.equal(pastGrace(deadline, at('2026-01-01T10:00:20Z'), 30), false);
    assert.equal(pastGrace(deadline, at('2026-01-01T10:00:31Z'), 30), true);
    assert.equal(pastGrace(null, at('2030-01-01T00:00:00Z'), 0), false);
  });
  test('release policies', () => {
    assert.equal(answersReleased('never', true, null, new Date()), false);
    assert.equal(answersReleased('after_submit', false, null, new Date()), false);
    assert.equal(answersReleased('after_submit', true, null, new Date()), true);
    assert.equal(answersReleased('after_due', true, quiz.dueAt, at('2026-01-02T08:59:59Z')), false);
    assert.equal(answersReleased('after_due', true, quiz.dueAt, at('2026-01-02T09:00:00Z')), true);
    assert.equal(answersReleased('after_due', true, null, new Date()), false);
  });
});

const item = (id: string, fields: Partial<GradebookItem> = {}): GradebookItem => ({
  id,
  categoryId: 'hw',
  pointsPossible: 10,
  dueAt: at('2026-01-10T00:00:00Z'),
  extraCredit: false,
  ...fields,
});
const graded = (
  score: number,
  submittedAt = '2026-01-09T00:00:00Z',
  extra: Partial<ItemGrade> = {},
): ItemGrade => ({
  score,
  submittedAt: at(submittedAt),
  overrideScore: null,
  pendingManual: false,
  ...extra,
});
const NOW = at('2026-02-01T00:00:00Z');
const late = { deductionPercent: 10, intervalHours: 24, floorPercent: 50, missingPercent: 0 };

describe('late policy', () => {
  test('deducts per started interval down to the floor', () => {
    assert.equal(itemScore(item('a'), graded(10, '2026-01-10T01:00:00Z'), late, NOW).score, 9);
    assert.equal(itemScore(item('a'), graded(10, '2026-01-12T01:00:00Z'), late, NOW).score, 7);
    assert.equal(itemScore(item('a'), graded(10, '2026-01-30T00:00:00Z'), late, NOW).score, 5);
    assert.equal(
      itemScore(item('a'), graded(3, '2026-01-30T00:00:00Z'), late, NOW).score,
      3,
      'the floor never raises a grade',
    );
    assert.equal(itemScore(item('a'), graded(10), late, NOW).late, false);
  });
  test('missing work past due gets the missing grade; not yet due is left out', () => {
    assert.deepEqual(
      [
        itemScore(item('a'), undefined, { ...late, missingPercent: 20 }, NOW).score,
        itemScore(item('a'), undefined, late, NOW).missing,
      ],
      [2, true],
    );
    assert.equal(
      itemScore(item('a', { dueAt: at('2026-03-01T00:00:00Z') }), undefined, late, NOW).score,
      null,
    );
  });
  test('work waiting for a grader is not counted until graded, never as zero', () => {
    const essay = graded(3, '2026-01-30T00:00:00Z', { pendingManual: true });
    assert.deepEqual(itemScore(item('a'), essay, late, NOW), {
      score: null,
      raw: 3,
      late: false,
      missing: false,
      pendingManual: true,
    });
    const grade = computeStudentGrade(
      [item('a'), item('b')],
      [{ id: 'hw', name: 'Homework', weight: 0, dropLowest: 0 }],
      new Map([
        ['a', essay],
        ['b', graded(8)],
      ]),
      { weighted: false, latePolicy: late, letterScheme: null },
      NOW,
    );
    assert.equal(grade.percent, 80, 'the pending quiz neither counts 3 of 10 nor drags the grade down');
    assert.equal(
      itemScore(item('a'), { ...essay, overrideScore: 6 }, late, NOW).score,
      6,
      'an override settles it',
    );
  });
  test('an override wins over everything', () => {
    assert.equal(
      itemScore(item('a'), graded(2, '2026-01-30T00:00:00Z', { overrideScore: 8 }), late, NOW).score,
      8,
    );
  });
});

describe('course grade', () => {
  const categories = [
    { id: 'hw', name: 'Homework', weight: 40, dropLowest: 1 },
    { id: 'ex', name: 'Exams', weight: 60, dropLowest: 0 },
  ];
  const items = [
    item('h1'),
    item('h2'),
    item('h3'),
    item('e1', { categoryId: 'ex', pointsPossible: 100 }),
    item('bonus', { categoryId: 'ex', extraCredit: true, pointsPossible: 5 }),
  ];
  const grades = new Map([
    ['h1', graded(10)],
    ['h2', graded(2)],
    ['h3', graded(8)],
    ['e1', graded(70)],
    ['bonus', graded(5)],
  ]);
  test('drops the lowest N per category and weights categories', () => {
    const result = computeStudentGrade(
      items,
      categories,
      grades,
      { weighted: true, latePolicy: null, letterScheme: null },
      NOW,
    );
    assert.equal(result.items.find((i) => i.itemId === 'h2')?.dropped, true);
    assert.deepEqual(
      result.categories.map((c) => c.percent),
      [90, 75],
    );
    assert.equal(result.percent, 81);
    assert.equal(result.letter, 'B');
  });
  test('unweighted sums points; extra credit adds points, never possible points', () => {
    const result = computeStudentGrade(
      items,
      categories,
      grades,
      { weighted: false, latePolicy: null, letterScheme: null },
      NOW,
    );
    assert.equal(result.percent, Math.round(((18 + 75) / 120) * 10000) / 100);
  });
  test('weights renormalise over categories with something counted', () => {
    const result = computeStudentGrade(
      items.slice(0, 3),
      categories,
      new Map([['h1', graded(5)]]),
      { weighted: true, latePolicy: null, letterScheme: null },
      at('2026-01-05T00:00:00Z'),
    );
    assert.equal(result.percent, 50);
  });
  test('nothing graded yet is no grade, not zero', () => {
    const result = computeStudentGrade(
      items,
      categories,
      new Map(),
      { weighted: true, latePolicy: null, letterScheme: null },
      at('2026-01-01T00:00:00Z'),
    );
    assert.deepEqual([result.percent, result.letter], [null, null]);
  });
  test('a custom letter scheme, highest first whatever the order given', () => {
    const scheme = [
      { letter: 'Pass', minPercent: 50 },
      { letter: 'Distinction', minPercent: 85 },
      { letter: 'Fail', minPercent: 0 },
    ];
    assert.equal(letterFor(90, scheme), 'Distinction');
    assert.equal(letterFor(50, scheme), 'Pass');
    assert.equal(letterFor(10, scheme), 'Fail');
  });
});
