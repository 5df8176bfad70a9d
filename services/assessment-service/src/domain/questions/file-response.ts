import { type Static, Type } from 'typebox';
import { type QuestionType, Text } from './common.ts';

export const FileResponseSpec = Type.Object(
  {
    type: Type.Literal('file_response'),
    prompt: Text(),
    maxFiles: Type.Integer({ minimum: 1, maximum: 10, default: 1 }),
    /** Media types the upload should have, e.g. application/pdf (content-service checks them). */
    accept: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { default: [], maxItems: 20 }),
    graderNotes: Type.Optional(Text()),
  },
  { additionalProperties: false },
);
export type FileResponseSpec = Static<typeof FileResponseSpec>;

/** The answer is content-service file ids; the files themselves live there. */
export const fileResponse: QuestionType<FileResponseSpec, unknown> = {
  type: 'file_response',
  authoring: FileResponseSpec,
  answer: Type.Object(
    { fileIds: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 10 }) },
    { additionalProperties: false },
  ),
  grading: 'manual',
  draw: () => ({}),
  deliver: (spec) => ({ prompt: spec.prompt, maxFiles: spec.maxFiles, accept: spec.accept }),
  grade: () => ({ fraction: null, notes: ['manual'] }),
  reveal: () => ({}),
};
