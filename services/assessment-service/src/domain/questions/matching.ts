import { type Static, Type } from 'typebox';
import { Id, isRecord, malformed, type QuestionType, shuffled, Text, token } from './common.ts';

export const MatchingSpec = Type.Object(
  {
    type: Type.Literal('matching'),
    prompt: Text(),
    pairs: Type.Array(
      Type.Object({ id: Id, prompt: Text(1000), match: Text(1000) }, { additionalProperties: false }),
      { minItems: 2, maxItems: 30 },
    ),
    /** Wrong options offered alongside the matches. */
    distractors: Type.Array(Text(1000), { default: [], maxItems: 20 }),
    scoring: Type.Union([Type.Literal('partial'), Type.Literal('all_or_nothing')], { default: 'partial' }),
  },
  { additionalProperties: false },
);
export type MatchingSpec = Static<typeof MatchingSpec>;

/** Prompts in shown order; options as opaque tokens → the pair whose match they are (or a distractor). */
export interface MatchingDraw {
  prompts: string[];
  options: { token: string; pair?: string; distractor?: number }[];
}

export const matching: QuestionType<MatchingSpec, unknown, MatchingDraw> = {
  type: 'matching',
  authoring: MatchingSpec,
  answer: Type.Object(
    { matches: Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 64 })) },
    { additionalProperties: false },
  ),
  grading: 'auto',
  draw(spec, rng) {
    const prompts = shuffled(spec.pairs, rng).map((p) => p.id);
    const options = shuffled(
      [...spec.pairs.map((p) => ({ pair: p.id })), ...spec.distractors.map((_, i) => ({ distractor: i }))],
      rng,
    ).map((o) => ({ token: token(rng), ...o }));
    return { prompts, options };
  },
  deliver(spec, drawn) {
    const byId = new Map(spec.pairs.map((p) => [p.id, p]));
    return {
      prompt: spec.prompt,
      items: drawn.prompts.map((id) => ({ id, text: byId.get(id)?.prompt ?? '' })),
      options: drawn.options.map((o) => ({
        id: o.token,
        text:
          o.pair !== undefined ? (byId.get(o.pair)?.match ?? '') : (spec.distractors[o.distractor!] ?? ''),
      })),
    };
  },
  grade(spec, drawn, answer) {
    if (!isRecord(answer) || !isRecord(answer.matches)) return malformed;
    const optionPair = new Map(drawn.options.map((o) => [o.token, o.pair]));
    let right = 0;
    for (const pair of spec.pairs) {
      const chosen = Object.hasOwn(answer.matches, pair.id) ? answer.matches[pair.id] : undefined;
      if (chosen === undefined) continue;
      if (typeof chosen !== 'string') return malformed;
      // Two pairs can share the same match text: either option with that text is right.
      const chosenPair = optionPair.get(chosen);
      const chosenText = spec.pairs.find((p) => p.id === chosenPair)?.match;
      if (chosenPair === pair.id || (chosenText !== undefined && chosenText === pair.match)) right++;
    }
    const fraction = right / spec.pairs.length;
    return { fraction: spec.scoring === 'all_or_nothing' ? (fraction === 1 ? 1 : 0) : fraction };
  },
  reveal(spec, drawn) {
    const tokenOf = new Map(drawn.options.filter((o) => o.pair).map((o) => [o.pair!, o.token]));
    return { matches: Object.fromEntries(spec.pairs.map((p) => [p.id, tokenOf.get(p.id)])) };
  },
};
