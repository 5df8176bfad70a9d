import { type Static, Type } from 'typebox';
import { isRecord, malformed, matchesPattern, type QuestionType, Text } from './common.ts';

export const ShortAnswerSpec = Type.Object(
  {
    type: Type.Literal('short_answer'),
    prompt: Text(),
    /** Each accepted answer; `*` is a wildcard. `credit` < 1 gives partial credit for it. */
    accepted: Type.Array(
      Type.Object(
        {
          text: Text(500),
          credit: Type.Number({ minimum: 0, maximum: 1, default: 1 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    ),
    caseSensitive: Type.Boolean({ default: false }),
    /** Trim and collapse whitespace before comparing (default true). */
    normaliseWhitespace: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);
export type ShortAnswerSpec = Static<typeof ShortAnswerSpec>;

export const shortAnswer: QuestionType<ShortAnswerSpec, unknown> = {
  type: 'short_answer',
  authoring: ShortAnswerSpec,
  answer: Type.Object({ text: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
  grading: 'auto',
  draw: () => ({}),
  deliver: (spec) => ({ prompt: spec.prompt }),
  grade(spec, _drawn, answer) {
    if (!isRecord(answer) || typeof answer.text !== 'string' || answer.text.length > 2000) return malformed;
    const text = answer.text;
    if (text.trim() === '') return { fraction: 0, notes: ['blank'] };
    let best = 0;
    for (const accepted of spec.accepted)
      if (matchesPattern(text, accepted.text, spec)) best = Math.max(best, accepted.credit ?? 1);
    return { fraction: best };
  },
  reveal: (spec) => ({ accepted: spec.accepted.filter((a) => (a.credit ?? 1) === 1).map((a) => a.text) }),
};
