import { type Static, Type } from 'typebox';
import { Id, isRecord, malformed, type QuestionType, shuffled, Text } from './common.ts';

export const OrderingSpec = Type.Object(
  {
    type: Type.Literal('ordering'),
    prompt: Text(),
    /** In the correct order. */
    items: Type.Array(Type.Object({ id: Id, text: Text(1000) }, { additionalProperties: false }), {
      minItems: 2,
      maxItems: 30,
    }),
    /** all_or_nothing; positions: share of items in their place; adjacent: share of neighbouring pairs kept. */
    scoring: Type.Union(
      [Type.Literal('all_or_nothing'), Type.Literal('positions'), Type.Literal('adjacent')],
      {
        default: 'positions',
      },
    ),
  },
  { additionalProperties: false },
);
export type OrderingSpec = Static<typeof OrderingSpec>;

export const ordering: QuestionType<OrderingSpec, unknown, { order: string[] }> = {
  type: 'ordering',
  authoring: OrderingSpec,
  answer: Type.Object(
    { order: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 30 }) },
    { additionalProperties: false },
  ),
  grading: 'auto',
  draw(spec, rng) {
    const ids = spec.items.map((i) => i.id);
    let order = shuffled(ids, rng);
    // Never hand out the solution as the starting order.
    for (let tries = 0; tries < 5 && order.every((id, i) => id === ids[i]); tries++)
      order = shuffled(ids, rng);
    if (order.every((id, i) => id === ids[i])) order = [...ids.slice(1), ids[0]!];
    return { order };
  },
  deliver(spec, drawn) {
    const byId = new Map(spec.items.map((i) => [i.id, i.text]));
    return { prompt: spec.prompt, items: drawn.order.map((id) => ({ id, text: byId.get(id) ?? '' })) };
  },
  grade(spec, _drawn, answer) {
    if (!isRecord(answer) || !Array.isArray(answer.order)) return malformed;
    const given = answer.order;
    const ids = spec.items.map((i) => i.id);
    if (
      given.length !== ids.length ||
      new Set(given).size !== given.length ||
      !given.every((id) => ids.includes(id as string))
    )
      return malformed;
    if (spec.scoring === 'all_or_nothing') return { fraction: given.every((id, i) => id === ids[i]) ? 1 : 0 };
    if (spec.scoring === 'positions')
      return { fraction: given.filter((id, i) => id === ids[i]).length / ids.length };
    const pairs = new Set(ids.slice(1).map((id, i) => `${ids[i]}>${id}`));
    let kept = 0;
    for (let i = 1; i < given.length; i++) if (pairs.has(`${given[i - 1]}>${given[i]}`)) kept++;
    return { fraction: kept / pairs.size };
  },
  reveal: (spec) => ({ order: spec.items.map((i) => i.id) }),
};
