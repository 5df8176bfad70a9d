import { type Static, Type } from 'typebox';
import { isRecord, malformed, type QuestionType, Text } from './common.ts';

export const TrueFalseSpec = Type.Object(
  { type: Type.Literal('true_false'), prompt: Text(), correct: Type.Boolean() },
  { additionalProperties: false },
);
export type TrueFalseSpec = Static<typeof TrueFalseSpec>;

export const trueFalse: QuestionType<TrueFalseSpec, unknown> = {
  type: 'true_false',
  authoring: TrueFalseSpec,
  answer: Type.Object({ value: Type.Boolean() }, { additionalProperties: false }),
  grading: 'auto',
  draw: () => ({}),
  deliver: (spec) => ({ prompt: spec.prompt }),
  grade(spec, _drawn, answer) {
    if (!isRecord(answer) || typeof answer.value !== 'boolean') return malformed;
    return { fraction: answer.value === spec.correct ? 1 : 0 };
  },
  reveal: (spec) => ({ value: spec.correct }),
};
