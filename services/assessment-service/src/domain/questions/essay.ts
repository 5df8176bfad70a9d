import { type Static, Type } from 'typebox';
import type { QuestionType } from './common.ts';
import { Text } from './common.ts';

export const EssaySpec = Type.Object(
  {
    type: Type.Literal('essay'),
    prompt: Text(),
    maxWords: Type.Optional(Type.Integer({ minimum: 1, maximum: 20_000 })),
    /** Shown to graders only: what a good answer contains. */
    graderNotes: Type.Optional(Text()),
  },
  { additionalProperties: false },
);
export type EssaySpec = Static<typeof EssaySpec>;

export const essay: QuestionType<EssaySpec, unknown> = {
  type: 'essay',
  authoring: EssaySpec,
  answer: Type.Object({ text: Type.String({ maxLength: 200_000 }) }, { additionalProperties: false }),
  grading: 'manual',
  draw: () => ({}),
  deliver: (spec) => ({ prompt: spec.prompt, ...(spec.maxWords ? { maxWords: spec.maxWords } : {}) }),
  grade: () => ({ fraction: null, notes: ['manual'] }),
  reveal: () => ({}),
};
