import { type Static, Type } from 'typebox';
import { isRecord, malformed, type QuestionType, type Rng, Text, withinTolerance } from './common.ts';
import { compileFormula } from './expression.ts';
import { parseNumber, Tolerance } from './numerical.ts';

export const CalculatedSpec = Type.Object(
  {
    type: Type.Literal('calculated'),
    /** `{a}` in the prompt is replaced by the attempt's value of variable a. */
    prompt: Text(),
    variables: Type.Array(
      Type.Object(
        {
          name: Type.String({ pattern: '^[a-z][a-z0-9_]{0,15}$' }),
          min: Type.Number(),
          max: Type.Number(),
          decimals: Type.Integer({ minimum: 0, maximum: 6, default: 0 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 10 },
    ),
    formula: Type.String({ minLength: 1, maxLength: 500 }),
    ...Tolerance,
  },
  { additionalProperties: false },
);
export type CalculatedSpec = Static<typeof CalculatedSpec>;

export function drawVariables(spec: CalculatedSpec, rng: Rng): Record<string, number> {
  const values: Record<string, number> = {};
  for (const v of spec.variables) {
    const scale = 10 ** v.decimals;
    const low = Math.ceil(Math.min(v.min, v.max) * scale);
    const high = Math.floor(Math.max(v.min, v.max) * scale);
    values[v.name] = rng.int(low, Math.max(low, high)) / scale;
  }
  return values;
}

const cache = new Map<string, ReturnType<typeof compileFormula>>();
/** Compiled once per formula: regrading thousands of attempts parses it once. */
function formulaOf(spec: CalculatedSpec) {
  const key = `${spec.formula}\u0000${spec.variables.map((v) => v.name).join(',')}`;
  let formula = cache.get(key);
  if (!formula) {
    formula = compileFormula(
      spec.formula,
      spec.variables.map((v) => v.name),
    );
    if (cache.size > 1000) cache.clear();
    cache.set(key, formula);
  }
  return formula;
}

/** Checks an authored calculated question: the formula is allowed and gives a number. */
export function validateCalculated(spec: CalculatedSpec): void {
  const formula = formulaOf(spec);
  formula.evaluate(Object.fromEntries(spec.variables.map((v) => [v.name, v.max])));
}

export const calculated: QuestionType<CalculatedSpec, unknown, { values: Record<string, number> }> = {
  type: 'calculated',
  authoring: CalculatedSpec,
  answer: Type.Object({ text: Type.String({ maxLength: 100 }) }, { additionalProperties: false }),
  grading: 'auto',
  draw: (spec, rng) => ({ values: drawVariables(spec, rng) }),
  deliver: (spec, drawn) => ({
    prompt: spec.prompt.replace(/\{([a-z][a-z0-9_]*)\}/g, (whole, name: string) =>
      Object.hasOwn(drawn.values, name) ? String(drawn.values[name]) : whole,
    ),
  }),
  grade(spec, drawn, answer) {
    if (!isRecord(answer) || typeof answer.text !== 'string') return malformed;
    const parsed = parseNumber(answer.text);
    if (parsed?.unit !== '') return malformed;
    let expected: number;
    try {
      expected = formulaOf(spec).evaluate(drawn.values);
    } catch {
      return { fraction: 0, notes: ['formula-failed'] };
    }
    return { fraction: withinTolerance(parsed.value, expected, spec.tolerance, spec.toleranceMode) ? 1 : 0 };
  },
  reveal(spec, drawn) {
    try {
      return { value: formulaOf(spec).evaluate(drawn.values) };
    } catch {
      return { value: null };
    }
  },
};
