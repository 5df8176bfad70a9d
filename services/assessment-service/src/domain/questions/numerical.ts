import { type Static, Type } from 'typebox';
import { isRecord, malformed, normalise, type QuestionType, Text, withinTolerance } from './common.ts';

export const Tolerance = {
  tolerance: Type.Number({ minimum: 0, default: 0 }),
  toleranceMode: Type.Union([Type.Literal('absolute'), Type.Literal('relative')], { default: 'absolute' }),
};

export const NumericalSpec = Type.Object(
  {
    type: Type.Literal('numerical'),
    prompt: Text(),
    answers: Type.Array(
      Type.Object(
        { value: Type.Number(), ...Tolerance, credit: Type.Number({ minimum: 0, maximum: 1, default: 1 }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 20 },
    ),
    /** Accepted units and what a value in each is multiplied by to reach the answer's unit. */
    units: Type.Array(
      Type.Object(
        { unit: Text(20), multiplier: Type.Number({ exclusiveMinimum: 0 }) },
        { additionalProperties: false },
      ),
      { default: [], maxItems: 20 },
    ),
    /** With units: an answer without one loses this share of its credit (1: it scores 0). */
    unitPenalty: Type.Number({ minimum: 0, maximum: 1, default: 1 }),
  },
  { additionalProperties: false },
);
export type NumericalSpec = Static<typeof NumericalSpec>;

/** "12.5", "1,5e3 km", "-3 m/s": the number and the unit after it (decimal comma accepted). */
export function parseNumber(text: string): { value: number; unit: string } | null {
  const match = /^\s*([+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:e[+-]?\d+)?)\s*(.*?)\s*$/i.exec(text);
  if (!match) return null;
  const value = Number(match[1]!.replace(',', '.'));
  return Number.isFinite(value) ? { value, unit: match[2]! } : null;
}

export const numerical: QuestionType<NumericalSpec, unknown> = {
  type: 'numerical',
  authoring: NumericalSpec,
  answer: Type.Object({ text: Type.String({ maxLength: 100 }) }, { additionalProperties: false }),
  grading: 'auto',
  draw: () => ({}),
  deliver: (spec) => ({ prompt: spec.prompt, units: spec.units.map((u) => u.unit) }),
  grade(spec, _drawn, answer) {
    if (!isRecord(answer) || typeof answer.text !== 'string') return malformed;
    const parsed = parseNumber(answer.text);
    if (!parsed) return malformed;
    let value = parsed.value;
    let penalty = 0;
    const notes: string[] = [];
    if (spec.units.length) {
      if (parsed.unit === '') {
        penalty = spec.unitPenalty;
        notes.push('unit-missing');
      } else {
        const unit = spec.units.find(
          (u) =>
            normalise(u.unit, { caseSensitive: true }) === normalise(parsed.unit, { caseSensitive: true }),
        );
        if (!unit) return { fraction: 0, notes: ['unit-not-accepted'] };
        value *= unit.multiplier;
      }
    } else if (parsed.unit !== '') return malformed;
    let best = 0;
    for (const a of spec.answers)
      if (withinTolerance(value, a.value, a.tolerance, a.toleranceMode)) best = Math.max(best, a.credit);
    return { fraction: best * (1 - penalty), ...(notes.length ? { notes } : {}) };
  },
  reveal: (spec) => ({
    value: spec.answers.find((a) => a.credit === 1)?.value ?? spec.answers[0]!.value,
    unit: spec.units.find((u) => u.multiplier === 1)?.unit ?? null,
  }),
};
