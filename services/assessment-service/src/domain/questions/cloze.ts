import { type Static, Type } from 'typebox';
import {
  Id,
  isRecord,
  malformed,
  matchesPattern,
  type QuestionType,
  shuffled,
  Text,
  token,
  withinTolerance,
} from './common.ts';
import { parseNumber, Tolerance } from './numerical.ts';

const Blank = Type.Union([
  Type.Object(
    {
      id: Id,
      kind: Type.Literal('text'),
      accepted: Type.Array(Text(500), { minItems: 1, maxItems: 20 }),
      caseSensitive: Type.Boolean({ default: false }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { id: Id, kind: Type.Literal('numeric'), value: Type.Number(), ...Tolerance },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      id: Id,
      kind: Type.Literal('choice'),
      options: Type.Array(Text(500), { minItems: 2, maxItems: 20 }),
      /** Index into options. */
      correct: Type.Integer({ minimum: 0 }),
    },
    { additionalProperties: false },
  ),
]);

export const ClozeSpec = Type.Object(
  {
    type: Type.Literal('cloze'),
    /** Text with `{{id}}` where each blank goes. */
    text: Text(),
    blanks: Type.Array(Blank, { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);
export type ClozeSpec = Static<typeof ClozeSpec>;
type BlankSpec = Static<typeof Blank>;

/** Choice blanks: options as opaque tokens in shown order, each → option index. */
export type ClozeDraw = { options: Record<string, { token: string; index: number }[]> };

function gradeBlank(blank: BlankSpec, given: string, drawn: ClozeDraw): boolean {
  if (blank.kind === 'text') return blank.accepted.some((a) => matchesPattern(given, a, blank));
  if (blank.kind === 'numeric') {
    const parsed = parseNumber(given);
    return (
      !!parsed &&
      parsed.unit === '' &&
      withinTolerance(parsed.value, blank.value, blank.tolerance, blank.toleranceMode)
    );
  }
  const option = drawn.options[blank.id]?.find((o) => o.token === given);
  return option?.index === blank.correct;
}

export const cloze: QuestionType<ClozeSpec, unknown, ClozeDraw> = {
  type: 'cloze',
  authoring: ClozeSpec,
  answer: Type.Object(
    { blanks: Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 500 })) },
    { additionalProperties: false },
  ),
  grading: 'auto',
  draw(spec, rng) {
    const options: ClozeDraw['options'] = {};
    for (const blank of spec.blanks)
      if (blank.kind === 'choice')
        options[blank.id] = shuffled(
          blank.options.map((_, index) => index),
          rng,
        ).map((index) => ({ token: token(rng), index }));
    return { options };
  },
  deliver(spec, drawn) {
    return {
      text: spec.text,
      blanks: spec.blanks.map((blank) =>
        blank.kind === 'choice'
          ? {
              id: blank.id,
              kind: 'choice',
              options: (drawn.options[blank.id] ?? []).map((o) => ({
                id: o.token,
                text: blank.options[o.index],
              })),
            }
          : { id: blank.id, kind: blank.kind },
      ),
    };
  },
  grade(spec, drawn, answer) {
    if (!isRecord(answer) || !isRecord(answer.blanks)) return malformed;
    let right = 0;
    for (const blank of spec.blanks) {
      const given = Object.hasOwn(answer.blanks, blank.id) ? answer.blanks[blank.id] : undefined;
      if (given === undefined) continue;
      if (typeof given !== 'string') return malformed;
      if (gradeBlank(blank, given, drawn)) right++;
    }
    return { fraction: right / spec.blanks.length };
  },
  reveal(spec, drawn) {
    return {
      blanks: Object.fromEntries(
        spec.blanks.map((b) => [
          b.id,
          b.kind === 'text'
            ? b.accepted[0]
            : b.kind === 'numeric'
              ? String(b.value)
              : drawn.options[b.id]?.find((o) => o.index === b.correct)?.token,
        ]),
      ),
    };
  },
};
