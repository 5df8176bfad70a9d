import { createHash } from 'node:crypto';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { type TSchema, Type } from 'typebox';

/**
 * What every question type provides. `spec` is the authored question (it holds the key);
 * `drawn` is what was fixed for one attempt when it started (shuffles, random variables,
 * opaque option tokens) and is stored with the attempt, never sent. `deliver` is what the
 * student sees and must never contain the key; `grade` is pure and total: a malformed answer
 * scores 0, it never throws.
 */
export interface QuestionType<Spec, _Answer, Drawn = Record<string, never>> {
  type: string;
  /** TypeBox schema of the authored question (what an instructor writes, key included). */
  authoring: TSchema;
  /** TypeBox schema of a student's answer (autosave validates against it). */
  answer: TSchema;
  /** Graded by a person (essay, file response) or not at all (text only). */
  grading: 'auto' | 'manual' | 'none';
  /** Fixed once per attempt from the attempt's seed: the same attempt always renders the same. */
  draw(spec: Spec, rng: Rng): Drawn;
  deliver(spec: Spec, drawn: Drawn): Record<string, unknown>;
  /** The fraction of the points earned, 0..1, or null when a person grades it. */
  grade(spec: Spec, drawn: Drawn, answer: unknown): GradeOutcome;
  /** The correct answer as the student may see it once the release policy allows. */
  reveal(spec: Spec, drawn: Drawn): Record<string, unknown>;
}

export interface GradeOutcome {
  /** 0..1 of the question's points; null: waits for manual grading (or has no score). */
  fraction: number | null;
  /** Why a fraction is what it is, e.g. `malformed`, `unit-missing`; never the key. */
  notes?: string[];
}

export const malformed: GradeOutcome = { fraction: 0, notes: ['malformed'] };

/** A seeded generator: attempts draw from `rngFor(attemptSeed, questionId)`. */
export interface Rng {
  int(min: number, max: number): number;
}

export function rngFor(...parts: string[]): Rng {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  const generator = xoroshiro128plus(digest.readInt32LE(0) ^ digest.readInt32LE(4));
  return { int: (min, max) => uniformInt(generator, min, max) };
}

/** Fisher–Yates with the seeded generator. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** An opaque per-attempt token, so a delivered option's id says nothing about what it matches. */
export function token(rng: Rng): string {
  let out = '';
  for (let i = 0; i < 12; i++) out += 'abcdefghijkmnpqrstuvwxyz23456789'[rng.int(0, 31)];
  return out;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const Text = (max = 20_000) => Type.String({ minLength: 1, maxLength: max });
export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

export interface TextRule {
  caseSensitive?: boolean | undefined;
  /** Collapse runs of whitespace and trim (default true). */
  normaliseWhitespace?: boolean | undefined;
}

export function normalise(text: string, rule: TextRule): string {
  let out = text.normalize('NFC');
  if (rule.normaliseWhitespace !== false) out = out.trim().replace(/\s+/g, ' ');
  if (!rule.caseSensitive) out = out.toLocaleLowerCase('en');
  return out;
}

/** `*` matches any run of characters (possibly none); everything else is literal. */
export function matchesPattern(answer: string, pattern: string, rule: TextRule): boolean {
  const a = normalise(answer, rule);
  const p = normalise(pattern, rule);
  if (!p.includes('*')) return a === p;
  const source = p
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'su').test(a);
}

export const clamp01 = (value: number) => Math.min(1, Math.max(0, value));

export function withinTolerance(
  given: number,
  expected: number,
  tolerance: number,
  mode: 'absolute' | 'relative',
): boolean {
  if (!Number.isFinite(given)) return false;
  const allowed = mode === 'absolute' ? tolerance : Math.abs(expected) * tolerance;
  // A hair of floating-point slack so that 0.1 + 0.2 is within 0 of 0.3.
  return Math.abs(given - expected) <= allowed + 1e-9 * Math.max(1, Math.abs(expected));
}
