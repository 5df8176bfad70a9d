import { type Static, Type } from 'typebox';
import { clamp01, Id, isRecord, malformed, type QuestionType, Text } from './common.ts';
import { type ChoiceDraw, deliverChoices, drawChoices } from './multiple-choice.ts';

export const MultipleAnswersSpec = Type.Object(
  {
    type: Type.Literal('multiple_answers'),
    prompt: Text(),
    choices: Type.Array(
      Type.Object(
        { id: Id, text: Text(2000), correct: Type.Boolean({ default: false }) },
        { additionalProperties: false },
      ),
      { minItems: 2, maxItems: 26 },
    ),
    /**
     * all_or_nothing: exactly the correct set; partial: the share of choices judged right
     * (ticked when correct, left when wrong); right_minus_wrong: (right ticks − wrong ticks) /
     * correct choices, never below 0.
     */
    scoring: Type.Union(
      [Type.Literal('all_or_nothing'), Type.Literal('partial'), Type.Literal('right_minus_wrong')],
      { default: 'all_or_nothing' },
    ),
    shuffleChoices: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);
export type MultipleAnswersSpec = Static<typeof MultipleAnswersSpec>;

export const multipleAnswers: QuestionType<MultipleAnswersSpec, unknown, ChoiceDraw> = {
  type: 'multiple_answers',
  authoring: MultipleAnswersSpec,
  answer: Type.Object(
    { choices: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 26 }) },
    { additionalProperties: false },
  ),
  grading: 'auto',
  draw: (spec, rng) => drawChoices(spec.choices, spec.shuffleChoices, rng),
  deliver: (spec, drawn) => ({ prompt: spec.prompt, choices: deliverChoices(spec.choices, drawn) }),
  grade(spec, drawn, answer) {
    if (!isRecord(answer) || !Array.isArray(answer.choices)) return malformed;
    const picked = new Set<string>();
    for (const t of answer.choices) {
      if (typeof t !== 'string' || !Object.hasOwn(drawn.tokens, t)) return malformed;
      picked.add(drawn.tokens[t]!);
    }
    const correct = spec.choices.filter((c) => c.correct);
    const right = correct.filter((c) => picked.has(c.id)).length;
    const wrong = spec.choices.filter((c) => !c.correct && picked.has(c.id)).length;
    if (spec.scoring === 'all_or_nothing')
      return { fraction: right === correct.length && wrong === 0 ? 1 : 0 };
    if (spec.scoring === 'partial') {
      const judgedRight = spec.choices.filter((c) => c.correct === picked.has(c.id)).length;
      return { fraction: judgedRight / spec.choices.length };
    }
    if (correct.length === 0) return { fraction: wrong === 0 ? 1 : 0 };
    return { fraction: clamp01((right - wrong) / correct.length) };
  },
  reveal(spec, drawn) {
    const tokenOf = Object.fromEntries(Object.entries(drawn.tokens).map(([t, id]) => [id, t]));
    return { choices: spec.choices.filter((c) => c.correct).map((c) => tokenOf[c.id]) };
  },
};
