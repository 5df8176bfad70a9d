// Pure rules of assessment-service: no I/O, unit-tested without a database.

export type ScoringPolicy = 'highest' | 'latest' | 'average';
export type ReleasePolicy = 'never' | 'after_submit' | 'after_due';

export interface QuizTiming {
  opensAt: Date | null;
  dueAt: Date | null;
  closesAt: Date | null;
  timeLimitSeconds: number | null;
  attemptsAllowed: number;
}

export interface Accommodation {
  extraTimeSeconds: number;
  extraAttempts: number;
  opensAt: Date | null;
  dueAt: Date | null;
  closesAt: Date | null;
}

/** A student's own dates, time and attempts: their accommodation over the quiz's settings. */
export function effectiveTiming(quiz: QuizTiming, accommodation: Accommodation | null): QuizTiming {
  if (!accommodation) return quiz;
  return {
    opensAt: accommodation.opensAt ?? quiz.opensAt,
    dueAt: accommodation.dueAt ?? quiz.dueAt,
    closesAt: accommodation.closesAt ?? quiz.closesAt,
    timeLimitSeconds:
      quiz.timeLimitSeconds === null ? null : quiz.timeLimitSeconds + accommodation.extraTimeSeconds,
    attemptsAllowed: quiz.attemptsAllowed + accommodation.extraAttempts,
  };
}

/** Why a new attempt may not start now, or null when it may. */
export function startRefusal(
  timing: QuizTiming,
  attemptsUsed: number,
  now: Date,
): 'quiz-not-open' | 'no-attempts-left' | null {
  if (timing.opensAt && now < timing.opensAt) return 'quiz-not-open';
  if (timing.closesAt && now >= timing.closesAt) return 'quiz-not-open';
  if (attemptsUsed >= timing.attemptsAllowed) return 'no-attempts-left';
  return null;
}

/** The instant an attempt started now must be in: time limit or the close date, whichever is first. */
export function attemptDeadline(timing: QuizTiming, startedAt: Date): Date | null {
  const byLimit =
    timing.timeLimitSeconds === null ? null : new Date(startedAt.getTime() + timing.timeLimitSeconds * 1000);
  const candidates = [byLimit, timing.closesAt].filter((d): d is Date => d !== null);
  if (!candidates.length) return null;
  return new Date(Math.min(...candidates.map((d) => d.getTime())));
}

/** Past deadline + grace: saves and submits are refused and the attempt is submitted for the student. */
export const pastGrace = (deadline: Date | null, now: Date, graceSeconds: number): boolean =>
  deadline !== null && now.getTime() > deadline.getTime() + graceSeconds * 1000;

/** The score that counts among a student's graded attempts (in attempt order). */
export function countingScore(policy: ScoringPolicy, scores: readonly number[]): number | null {
  if (!scores.length) return null;
  if (policy === 'latest') return scores[scores.length - 1]!;
  if (policy === 'highest') return Math.max(...scores);
  return round2(scores.reduce((a, b) => a + b, 0) / scores.length);
}

/** Whether a student may see correct answers, per-question scores and feedback of a submitted attempt. */
export function answersReleased(
  policy: ReleasePolicy,
  submitted: boolean,
  dueAt: Date | null,
  now: Date,
): boolean {
  if (!submitted || policy === 'never') return false;
  if (policy === 'after_submit') return true;
  return dueAt !== null && now >= dueAt;
}

export const round2 = (value: number) => Math.round(value * 100) / 100;

// ---- The gradebook ----------------------------------------------------------------------

export interface LatePolicy {
  /** Percent of the item's points taken off per started interval late. */
  deductionPercent: number;
  intervalHours: number;
  /** A late item never drops below this percent of its points (of what was earned, at most). */
  floorPercent: number;
  /** What missing work past its due date counts as, in percent; null: it is left out. */
  missingPercent: number | null;
}

export interface LetterGrade {
  letter: string;
  minPercent: number;
}

export interface GradebookItem {
  id: string;
  categoryId: string | null;
  pointsPossible: number;
  dueAt: Date | null;
  extraCredit: boolean;
}

export interface GradebookCategory {
  id: string;
  name: string;
  weight: number;
  dropLowest: number;
}

export interface ItemGrade {
  score: number | null;
  submittedAt: Date | null;
  overrideScore: number | null;
  pendingManual: boolean;
}

export interface GradebookSettings {
  weighted: boolean;
  latePolicy: LatePolicy | null;
  letterScheme: LetterGrade[] | null;
}

export interface ItemResult {
  itemId: string;
  /**
   * Points after late deduction (or the missing grade); null: not counted (not due yet, not
   * graded, or waiting for manual grading).
   */
  score: number | null;
  raw: number | null;
  late: boolean;
  missing: boolean;
  dropped: boolean;
  pendingManual: boolean;
}

export interface StudentGrade {
  items: ItemResult[];
  categories: { id: string; name: string; percent: number | null; weight: number }[];
  percent: number | null;
  letter: string | null;
}

export const DEFAULT_LETTERS: LetterGrade[] = [
  { letter: 'A', minPercent: 90 },
  { letter: 'B', minPercent: 80 },
  { letter: 'C', minPercent: 70 },
  { letter: 'D', minPercent: 60 },
  { letter: 'F', minPercent: 0 },
];

/** The late-adjusted score of one item, or null when it does not count (yet). */
export function itemScore(
  item: GradebookItem,
  grade: ItemGrade | undefined,
  late: LatePolicy | null,
  now: Date,
): Omit<ItemResult, 'dropped' | 'itemId'> {
  const pendingManual = grade?.pendingManual ?? false;
  if (grade?.overrideScore !== null && grade?.overrideScore !== undefined)
    return {
      score: grade.overrideScore,
      raw: grade.overrideScore,
      late: false,
      missing: false,
      pendingManual,
    };
  if (!grade || grade.score === null || grade.submittedAt === null) {
    const pastDue = item.dueAt !== null && now > item.dueAt;
    if (pastDue && !pendingManual && !item.extraCredit) {
      const percent = late?.missingPercent ?? 0;
      return {
        score: round2((item.pointsPossible * percent) / 100),
        raw: null,
        late: false,
        missing: true,
        pendingManual,
      };
    }
    return { score: null, raw: null, late: false, missing: false, pendingManual };
  }
  const raw = grade.score;
  // Work waiting for a grader (an essay, a file response) counts once graded: until then its
  // score so far is `raw`, and the course grade leaves it out rather than count the rest as zero.
  if (pendingManual) return { score: null, raw, late: false, missing: false, pendingManual };
  if (!late || item.dueAt === null || grade.submittedAt <= item.dueAt)
    return { score: raw, raw, late: false, missing: false, pendingManual };
  const hoursLate = (grade.submittedAt.getTime() - item.dueAt.getTime()) / 3_600_000;
  const intervals = Math.ceil(hoursLate / Math.max(late.intervalHours, 1e-6));
  const deduction = (item.pointsPossible * late.deductionPercent * intervals) / 100;
  const floor = Math.min(raw, (item.pointsPossible * late.floorPercent) / 100);
  return { score: round2(Math.max(floor, raw - deduction)), raw, late: true, missing: false, pendingManual };
}

export function letterFor(percent: number | null, scheme: LetterGrade[] | null): string | null {
  if (percent === null) return null;
  const sorted = [...(scheme ?? DEFAULT_LETTERS)].sort((a, b) => b.minPercent - a.minPercent);
  return sorted.find((entry) => percent >= entry.minPercent)?.letter ?? null;
}

/**
 * One student's course grade: late policy per item, the lowest N of each category dropped
 * (by percent; extra credit never dropped), extra credit adding points but none possible, then
 * categories by weight (renormalised over categories that have something counted) or all
 * points together. The same function serves the staff gradebook, the student's own view and CSV.
 */
export function computeStudentGrade(
  items: readonly GradebookItem[],
  categories: readonly GradebookCategory[],
  grades: ReadonlyMap<string, ItemGrade>,
  settings: GradebookSettings,
  now: Date,
): StudentGrade {
  const results: ItemResult[] = items.map((item) => ({
    itemId: item.id,
    dropped: false,
    ...itemScore(item, grades.get(item.id), settings.latePolicy, now),
  }));
  const byId = new Map(items.map((item) => [item.id, item]));
  const groups = new Map<string | null, ItemResult[]>();
  for (const result of results) {
    const key = byId.get(result.itemId)!.categoryId;
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  const categoryOut: StudentGrade['categories'] = [];
  let points = 0;
  let possible = 0;
  let weightedSum = 0;
  let weightTotal = 0;
  const known = new Map(categories.map((c) => [c.id, c]));
  for (const [categoryId, members] of groups) {
    const category = categoryId ? known.get(categoryId) : undefined;
    const counted = members.filter((r) => r.score !== null);
    const regular = counted.filter((r) => !byId.get(r.itemId)!.extraCredit);
    const drop = Math.min(category?.dropLowest ?? 0, Math.max(0, regular.length - 1));
    const percentOf = (r: ItemResult) => {
      const p = byId.get(r.itemId)!.pointsPossible;
      return p > 0 ? r.score! / p : 1;
    };
    for (const r of [...regular].sort((a, b) => percentOf(a) - percentOf(b)).slice(0, drop)) r.dropped = true;
    let catPoints = 0;
    let catPossible = 0;
    for (const r of counted) {
      if (r.dropped) continue;
      const item = byId.get(r.itemId)!;
      catPoints += r.score!;
      if (!item.extraCredit) catPossible += item.pointsPossible;
    }
    const percent = catPossible > 0 ? round2((catPoints / catPossible) * 100) : null;
    categoryOut.push({
      id: categoryId ?? 'uncategorised',
      name: category?.name ?? 'Uncategorised',
      percent,
      weight: category?.weight ?? 0,
    });
    points += catPoints;
    possible += catPossible;
    if (percent !== null && category && category.weight > 0) {
      weightedSum += percent * category.weight;
      weightTotal += category.weight;
    }
  }
  const percent = settings.weighted
    ? weightTotal > 0
      ? round2(weightedSum / weightTotal)
      : null
    : possible > 0
      ? round2((points / possible) * 100)
      : null;
  return {
    items: results,
    categories: categoryOut,
    percent,
    letter: letterFor(percent, settings.letterScheme),
  };
}
