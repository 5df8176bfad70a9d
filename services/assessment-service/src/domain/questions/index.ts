import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';
import { CalculatedSpec, calculated, validateCalculated } from './calculated.ts';
import { ClozeSpec, cloze } from './cloze.ts';
import { type GradeOutcome, malformed, type QuestionType, rngFor } from './common.ts';
import { EssaySpec, essay } from './essay.ts';
import { FormulaError } from './expression.ts';
import { FileResponseSpec, fileResponse } from './file-response.ts';
import { MatchingSpec, matching } from './matching.ts';
import { MultipleAnswersSpec, multipleAnswers } from './multiple-answers.ts';
import { MultipleChoiceSpec, multipleChoice } from './multiple-choice.ts';
import { NumericalSpec, numerical } from './numerical.ts';
import { OrderingSpec, ordering } from './ordering.ts';
import { ShortAnswerSpec, shortAnswer } from './short-answer.ts';
import { TextOnlySpec, textOnly } from './text-only.ts';
import { TrueFalseSpec, trueFalse } from './true-false.ts';

export type { GradeOutcome } from './common.ts';

/** Every supported question type, by its `type` name. */
export const QUESTION_TYPES = {
  multiple_choice: multipleChoice,
  multiple_answers: multipleAnswers,
  true_false: trueFalse,
  short_answer: shortAnswer,
  numerical,
  essay,
  matching,
  ordering,
  cloze,
  calculated,
  file_response: fileResponse,
  text_only: textOnly,
} as const;
export type QuestionTypeName = keyof typeof QUESTION_TYPES;
export const QUESTION_TYPE_NAMES = Object.keys(QUESTION_TYPES) as QuestionTypeName[];

/** The authored question: one of the types' schemas, told apart by `type`. */
export const QuestionSpec = Type.Union([
  MultipleChoiceSpec,
  MultipleAnswersSpec,
  TrueFalseSpec,
  ShortAnswerSpec,
  NumericalSpec,
  EssaySpec,
  MatchingSpec,
  OrderingSpec,
  ClozeSpec,
  CalculatedSpec,
  FileResponseSpec,
  TextOnlySpec,
]);
export type QuestionSpec = Static<typeof QuestionSpec>;

// biome-ignore lint/suspicious/noExplicitAny: the registry is heterogeneous by design
const typeOf = (spec: { type: string }): QuestionType<any, unknown, any> => {
  const type = (QUESTION_TYPES as unknown as Record<string, QuestionType<unknown, unknown, unknown>>)[
    spec.type
  ];
  if (!type) throw new Error(`unknown question type ${spec.type}`);
  return type;
};

export const gradingOf = (spec: QuestionSpec) => typeOf(spec).grading;

/**
 * Checks an authored question beyond its schema; the defaults of the schema filled in.
 * Returns the problems found (empty: valid).
 */
export function checkSpec(input: unknown): { spec?: QuestionSpec; problems: string[] } {
  const type =
    typeof (input as { type?: unknown })?.type === 'string' ? (input as { type: string }).type : '';
  const schema = (QUESTION_TYPES as unknown as Record<string, QuestionType<unknown, unknown, unknown>>)[type]
    ?.authoring;
  if (!schema) return { problems: [`type must be one of ${QUESTION_TYPE_NAMES.join(', ')}`] };
  const spec = Value.Default(schema, structuredClone(input)) as QuestionSpec;
  const errors = [...Value.Errors(schema, spec)].slice(0, 5);
  if (errors.length) return { problems: errors.map((e) => `${e.instancePath || '/'} ${e.message}`) };
  const problems: string[] = [];
  const unique = (ids: string[], what: string) => {
    if (new Set(ids).size !== ids.length) problems.push(`${what} ids must be unique`);
  };
  switch (spec.type) {
    case 'multiple_choice':
      unique(
        spec.choices.map((c) => c.id),
        'choice',
      );
      if (spec.choices.filter((c) => c.correct).length !== 1)
        problems.push('exactly one choice must be correct');
      break;
    case 'multiple_answers':
      unique(
        spec.choices.map((c) => c.id),
        'choice',
      );
      if (!spec.choices.some((c) => c.correct)) problems.push('at least one choice must be correct');
      break;
    case 'matching':
      unique(
        spec.pairs.map((p) => p.id),
        'pair',
      );
      break;
    case 'ordering':
      unique(
        spec.items.map((i) => i.id),
        'item',
      );
      break;
    case 'cloze':
      unique(
        spec.blanks.map((b) => b.id),
        'blank',
      );
      for (const blank of spec.blanks) {
        if (!spec.text.includes(`{{${blank.id}}}`))
          problems.push(`blank ${blank.id} is not placed in the text`);
        if (blank.kind === 'choice' && blank.correct >= blank.options.length)
          problems.push(`blank ${blank.id}: correct must index one of its options`);
      }
      break;
    case 'calculated':
      unique(
        spec.variables.map((v) => v.name),
        'variable',
      );
      try {
        validateCalculated(spec);
      } catch (error) {
        problems.push(error instanceof FormulaError ? error.message : `formula: ${(error as Error).message}`);
      }
      break;
  }
  return problems.length ? { problems } : { spec, problems };
}

/** What an attempt fixes for one question when it starts, from the attempt's seed. */
export const drawFor = (spec: QuestionSpec, seed: string, slot: string): unknown =>
  typeOf(spec).draw(spec, rngFor(seed, slot));

/** What the student sees: never the key. */
export const deliver = (spec: QuestionSpec, drawn: unknown) => typeOf(spec).deliver(spec, drawn);

/** The answer's shape per type; autosave refuses others. */
export function answerProblems(spec: QuestionSpec, answer: unknown): string[] {
  const schema = typeOf(spec).answer;
  return [...Value.Errors(schema, answer)].slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/** Pure and total: unanswered scores 0, malformed scores 0, manual types wait (null). */
export function grade(spec: QuestionSpec, drawn: unknown, answer: unknown): GradeOutcome {
  const type = typeOf(spec);
  if (type.grading === 'none') return { fraction: null };
  if (type.grading === 'manual')
    return answer === undefined || answer === null
      ? { fraction: 0, notes: ['unanswered'] }
      : type.grade(spec, drawn, answer);
  if (answer === undefined || answer === null) return { fraction: 0, notes: ['unanswered'] };
  try {
    return type.grade(spec, drawn, answer);
  } catch {
    return malformed;
  }
}

export const reveal = (spec: QuestionSpec, drawn: unknown) => typeOf(spec).reveal(spec, drawn);
