import { type Static, Type } from 'typebox';
import { Id, isRecord, malformed, type QuestionType, shuffled, Text, token } from './common.ts';

const Choice = Type.Object(
  {
    id: Id,
    text: Text(2000),
    correct: Type.Boolean({ default: false }),
    feedback: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);

export const MultipleChoiceSpec = Type.Object(
  {
    type: Type.Literal('multiple_choice'),
    prompt: Text(),
    choices: Type.Array(Choice, { minItems: 2, maxItems: 26 }),
    shuffleChoices: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);
export type MultipleChoiceSpec = Static<typeof MultipleChoiceSpec>;
type Choice = Static<typeof Choice>;

/** Per attempt: the order choices are shown in and the opaque token each one carries. */
export interface ChoiceDraw {
  order: string[];
  tokens: Record<string, string>;
}

export function drawChoices(choices: Choice[], shuffle: boolean, rng: import('./common.ts').Rng): ChoiceDraw {
  const order = shuffle ? shuffled(choices, rng).map((c) => c.id) : choices.map((c) => c.id);
  const tokens: Record<string, string> = {};
  for (const id of order) tokens[token(rng)] = id;
  return { order, tokens };
}

export function deliverChoices(choices: Choice[], drawn: ChoiceDraw) {
  const tokenOf = Object.fromEntries(Object.entries(drawn.tokens).map(([t, id]) => [id, t]));
  const byId = new Map(choices.map((c) => [c.id, c]));
  return drawn.order.flatMap((id) => {
    const choice = byId.get(id);
    return choice ? [{ id: tokenOf[id]!, text: choice.text }] : [];
  });
}

export const multipleChoice: QuestionType<MultipleChoiceSpec, unknown, ChoiceDraw> = {
  type: 'multiple_choice',
  authoring: MultipleChoiceSpec,
  answer: Type.Object({ choice: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
  grading: 'auto',
  draw: (spec, rng) => drawChoices(spec.choices, spec.shuffleChoices, rng),
  deliver: (spec, drawn) => ({ prompt: spec.prompt, choices: deliverChoices(spec.choices, drawn) }),
  grade(spec, drawn, answer) {
    if (!isRecord(answer) || typeof answer.choice !== 'string') return malformed;
    const id = drawn.tokens[answer.choice];
    if (!id || !Object.hasOwn(drawn.tokens, answer.choice)) return malformed;
    return { fraction: spec.choices.find((c) => c.id === id)?.correct ? 1 : 0 };
  },
  reveal(spec, drawn) {
    const tokenOf = Object.fromEntries(Object.entries(drawn.tokens).map(([t, id]) => [id, t]));
    return { choice: spec.choices.filter((c) => c.correct).map((c) => tokenOf[c.id])[0] ?? null };
  },
};
