import { type Static, Type } from 'typebox';
import { type QuestionType, Text } from './common.ts';

export const TextOnlySpec = Type.Object(
  { type: Type.Literal('text_only'), text: Text() },
  { additionalProperties: false },
);
export type TextOnlySpec = Static<typeof TextOnlySpec>;

/** Instructions between questions: no answer, no points. */
export const textOnly: QuestionType<TextOnlySpec, unknown> = {
  type: 'text_only',
  authoring: TextOnlySpec,
  answer: Type.Null(),
  grading: 'none',
  draw: () => ({}),
  deliver: (spec) => ({ text: spec.text }),
  grade: () => ({ fraction: null }),
  reveal: () => ({}),
};
