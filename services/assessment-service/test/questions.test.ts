import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileFormula, FormulaError } from '../src/domain/questions/expression.ts';
import {
  checkSpec,
  deliver,
  drawFor,
  grade,
  type QuestionSpec,
  reveal,
} from '../src/domain/questions/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: draws are per-type shapes
type Any = any;

function authored(input: unknown): QuestionSpec {
  const { spec, problems } = checkSpec(input);
  assert.deepEqual(problems, []);
  return spec!;
}

/** Draws for one attempt and returns helpers to grade answers against it. */
function attempt(spec: QuestionSpec, seed = 'seed-1') {
  const drawn = drawFor(spec, seed, 'q1') as Any;
  const fraction = (answer: unknown) => grade(spec, drawn, answer).fraction;
  const tokenOf = (id: string) =>
    Object.entries(drawn.tokens as Record<string, string>).find(([, v]) => v === id)![0];
  return {
    drawn,
    fraction,
    tokenOf,
    delivered: deliver(spec, drawn),
    notes: (a: unknown) => grade(spec, drawn, a).notes,
  };
}

const HOSTILE = [
  undefined,
  null,
  42,
  'text',
  [],
  {},
  { __proto__: { polluted: true } },
  { choice: '__proto__' },
  { text: 7 },
  { choices: 'a' },
  { order: null },
  { matches: [] },
  { blanks: 3 },
  { value: 'true' },
];

describe('multiple choice', () => {
  const spec = authored({
    type: 'multiple_choice',
    prompt: 'Capital of France?',
    choices: [
      { id: 'a', text: 'Paris', correct: true },
      { id: 'b', text: 'Lyon' },
      { id: 'c', text: 'Nice' },
    ],
  });
  test('scores the correct choice 1 and others 0', () => {
    const a = attempt(spec);
    assert.equal(a.fraction({ choice: a.tokenOf('a') }), 1);
    assert.equal(a.fraction({ choice: a.tokenOf('b') }), 0);
  });
  test('delivers opaque tokens: neither the authored ids nor the correct flag', () => {
    const a = attempt(spec);
    const text = JSON.stringify(a.delivered);
    assert.doesNotMatch(text, /correct/);
    assert.ok(!(a.delivered.choices as Any[]).some((c) => ['a', 'b', 'c'].includes(c.id)));
  });
  test('the same seed renders the same order; other seeds shuffle', () => {
    assert.deepEqual(attempt(spec, 's').delivered, attempt(spec, 's').delivered);
    const orders = new Set(
      Array.from({ length: 20 }, (_, i) => JSON.stringify((attempt(spec, `s${i}`).drawn as Any).order)),
    );
    assert.ok(orders.size > 1);
  });
  test('malformed answers score 0 and never throw', () => {
    const a = attempt(spec);
    for (const answer of HOSTILE) assert.equal(a.fraction(answer), 0, JSON.stringify(answer));
    assert.deepEqual(a.notes({ choice: 'nope' }), ['malformed']);
  });
  test('authoring with zero or two correct choices is refused', () => {
    assert.match(
      checkSpec({
        type: 'multiple_choice',
        prompt: 'x',
        choices: [
          { id: 'a', text: 'a' },
          { id: 'b', text: 'b' },
        ],
      }).problems[0]!,
      /exactly one/,
    );
  });
  test('reveal names the correct token', () => {
    const a = attempt(spec);
    assert.deepEqual(reveal(spec, a.drawn), { choice: a.tokenOf('a') });
  });
});

describe('multiple answers', () => {
  const base = {
    type: 'multiple_answers',
    prompt: 'Primes?',
    choices: [
      { id: 'two', text: '2', correct: true },
      { id: 'three', text: '3', correct: true },
      { id: 'four', text: '4' },
      { id: 'six', text: '6' },
    ],
  };
  test('all or nothing needs exactly the correct set', () => {
    const spec = authored(base);
    const a = attempt(spec);
    assert.equal(a.fraction({ choices: [a.tokenOf('two'), a.tokenOf('three')] }), 1);
    assert.equal(a.fraction({ choices: [a.tokenOf('two')] }), 0);
    assert.equal(a.fraction({ choices: [a.tokenOf('two'), a.tokenOf('three'), a.tokenOf('four')] }), 0);
  });
  test('partial credits each choice judged right', () => {
    const spec = authored({ ...base, scoring: 'partial' });
    const a = attempt(spec);
    assert.equal(a.fraction({ choices: [a.tokenOf('two')] }), 0.75);
    assert.equal(a.fraction({ choices: [] }), 0.5);
  });
  test('right minus wrong never goes below 0', () => {
    const spec = authored({ ...base, scoring: 'right_minus_wrong' });
    const a = attempt(spec);
    assert.equal(a.fraction({ choices: [a.tokenOf('two'), a.tokenOf('four')] }), 0);
    assert.equal(a.fraction({ choices: [a.tokenOf('two')] }), 0.5);
    assert.equal(a.fraction({ choices: [a.tokenOf('four'), a.tokenOf('six')] }), 0);
  });
  test('an unknown or inherited token is malformed', () => {
    const a = attempt(authored(base));
    assert.deepEqual(a.notes({ choices: ['constructor'] }), ['malformed']);
    for (const answer of HOSTILE) assert.equal(a.fraction(answer), 0);
  });
});

describe('true/false', () => {
  const spec = authored({ type: 'true_false', prompt: 'Water is wet', correct: true });
  test('grades booleans only', () => {
    const a = attempt(spec);
    assert.equal(a.fraction({ value: true }), 1);
    assert.equal(a.fraction({ value: false }), 0);
    assert.equal(a.fraction({ value: 'true' }), 0);
    assert.doesNotMatch(JSON.stringify(a.delivered), /true/);
  });
});

describe('short answer', () => {
  const spec = authored({
    type: 'short_answer',
    prompt: 'Who wrote Hamlet?',
    accepted: [{ text: 'William Shakespeare' }, { text: 'Shakespeare' }, { text: 'Shakes*', credit: 0.5 }],
  });
  test('several accepted answers, case and whitespace ignored by default', () => {
    const a = attempt(spec);
    assert.equal(a.fraction({ text: '  william   SHAKESPEARE ' }), 1);
    assert.equal(a.fraction({ text: 'shakespeare' }), 1);
    assert.equal(a.fraction({ text: 'Marlowe' }), 0);
  });
  test('wildcards match any run, with their own credit', () => {
    const a = attempt(spec);
    assert.equal(a.fraction({ text: 'Shakespear' }), 0.5);
    assert.equal(a.fraction({ text: 'Shakes' }), 0.5);
  });
  test('case-sensitive answers, and regex characters are literal', () => {
    const strict = authored({
      type: 'short_answer',
      prompt: 'Symbol of sodium',
      accepted: [{ text: 'Na' }, { text: 'a.b' }],
      caseSensitive: true,
    });
    const a = attempt(strict);
    assert.equal(a.fraction({ text: 'Na' }), 1);
    assert.equal(a.fraction({ text: 'NA' }), 0);
    assert.equal(a.fraction({ text: 'axb' }), 0);
  });
  test('blank, NUL bytes and oversized answers score 0', () => {
    const a = attempt(spec);
    assert.equal(a.fraction({ text: '   ' }), 0);
    assert.equal(a.fraction({ text: 'Shakes\u0000peare' }), 0.5);
    assert.equal(a.fraction({ text: 'x'.repeat(5000) }), 0);
  });
});

describe('numerical', () => {
  test('absolute and relative tolerance', () => {
    const abs = attempt(
      authored({ type: 'numerical', prompt: 'pi', answers: [{ value: Math.PI, tolerance: 0.01 }] }),
    );
    assert.equal(abs.fraction({ text: '3.14' }), 1);
    assert.equal(abs.fraction({ text: '3,1416' }), 1);
    assert.equal(abs.fraction({ text: '3.1' }), 0);
    const rel = attempt(
      authored({
        type: 'numerical',
        prompt: 'c',
        answers: [{ value: 300000, tolerance: 0.01, toleranceMode: 'relative' }],
      }),
    );
    assert.equal(rel.fraction({ text: '2.98e5' }), 1);
    assert.equal(rel.fraction({ text: '290000' }), 0);
  });
  test('exact answers with floating-point noise still count', () => {
    const a = attempt(authored({ type: 'numerical', prompt: '0.1+0.2', answers: [{ value: 0.3 }] }));
    assert.equal(a.fraction({ text: String(0.1 + 0.2) }), 1);
  });
  test('accepted units convert; a missing unit is penalised; others are refused', () => {
    const spec = authored({
      type: 'numerical',
      prompt: 'length in m',
      answers: [{ value: 1.5, tolerance: 0.001 }],
      units: [
        { unit: 'm', multiplier: 1 },
        { unit: 'cm', multiplier: 0.01 },
      ],
      unitPenalty: 0.5,
    });
    const a = attempt(spec);
    assert.equal(a.fraction({ text: '1.5 m' }), 1);
    assert.equal(a.fraction({ text: '150cm' }), 1);
    assert.equal(a.fraction({ text: '1.5' }), 0.5);
    assert.equal(a.fraction({ text: '1.5 km' }), 0);
    assert.deepEqual(reveal(spec, a.drawn), { value: 1.5, unit: 'm' });
  });
  test('not a number, Infinity and trailing junk are malformed', () => {
    const a = attempt(authored({ type: 'numerical', prompt: 'n', answers: [{ value: 1 }] }));
    for (const text of ['abc', 'Infinity', '1 apples', '', '1e999'])
      assert.equal(a.fraction({ text }), 0, text);
  });
});

describe('essay and file response', () => {
  test('wait for a grader and deliver no grader notes', () => {
    const e = authored({ type: 'essay', prompt: 'Discuss', graderNotes: 'SECRET-NOTE' });
    assert.equal(grade(e, {}, { text: 'An answer' }).fraction, null);
    assert.equal(grade(e, {}, undefined).fraction, 0);
    assert.doesNotMatch(JSON.stringify(deliver(e, {})), /SECRET-NOTE/);
    const f = authored({
      type: 'file_response',
      prompt: 'Upload',
      accept: ['application/pdf'],
      graderNotes: 'HIDDEN',
    });
    assert.equal(grade(f, {}, { fileIds: [crypto.randomUUID()] }).fraction, null);
    assert.doesNotMatch(JSON.stringify(deliver(f, {})), /HIDDEN/);
  });
  test('text only has no score', () => {
    const t = authored({ type: 'text_only', text: 'Read the passage' });
    assert.equal(grade(t, {}, undefined).fraction, null);
  });
});

describe('matching', () => {
  const spec = authored({
    type: 'matching',
    prompt: 'Match',
    pairs: [
      { id: 'fr', prompt: 'France', match: 'Paris' },
      { id: 'de', prompt: 'Germany', match: 'Berlin' },
      { id: 'it', prompt: 'Italy', match: 'Rome' },
    ],
    distractors: ['Madrid'],
  });
  const tokenFor = (drawn: Any, pair: string) => drawn.options.find((o: Any) => o.pair === pair).token;
  test('partial credit per correct pair; distractors count as wrong', () => {
    const a = attempt(spec);
    const madrid = a.drawn.options.find((o: Any) => o.distractor === 0).token;
    assert.equal(
      a.fraction({
        matches: { fr: tokenFor(a.drawn, 'fr'), de: tokenFor(a.drawn, 'de'), it: tokenFor(a.drawn, 'it') },
      }),
      1,
    );
    assert.equal(a.fraction({ matches: { fr: tokenFor(a.drawn, 'fr'), de: madrid } }), 1 / 3);
  });
  test('delivered option ids do not reveal their pair', () => {
    const a = attempt(spec);
    const options = (a.delivered as Any).options as Any[];
    assert.equal(options.length, 4);
    assert.ok(options.every((o) => !['fr', 'de', 'it'].includes(o.id)));
  });
  test('malformed matches score 0', () => {
    const a = attempt(spec);
    assert.equal(a.fraction({ matches: { fr: 5 } }), 0);
    for (const answer of HOSTILE) assert.equal(a.fraction(answer), 0);
  });
});

describe('ordering', () => {
  const items = [
    { id: 'a', text: '1' },
    { id: 'b', text: '2' },
    { id: 'c', text: '3' },
    { id: 'd', text: '4' },
  ];
  test('never starts in the solved order', () => {
    const spec = authored({ type: 'ordering', prompt: 'Order', items });
    for (let i = 0; i < 30; i++)
      assert.notDeepEqual(attempt(spec, `s${i}`).drawn.order, ['a', 'b', 'c', 'd']);
  });
  test('positions, adjacent and all-or-nothing scoring', () => {
    const positions = attempt(authored({ type: 'ordering', prompt: 'O', items }));
    assert.equal(positions.fraction({ order: ['a', 'b', 'd', 'c'] }), 0.5);
    const adjacent = attempt(authored({ type: 'ordering', prompt: 'O', items, scoring: 'adjacent' }));
    assert.equal(adjacent.fraction({ order: ['b', 'c', 'd', 'a'] }), 2 / 3);
    const strict = attempt(authored({ type: 'ordering', prompt: 'O', items, scoring: 'all_or_nothing' }));
    assert.equal(strict.fraction({ order: ['a', 'b', 'c', 'd'] }), 1);
    assert.equal(strict.fraction({ order: ['a', 'b', 'd', 'c'] }), 0);
  });
  test('duplicates, missing or foreign ids are malformed', () => {
    const a = attempt(authored({ type: 'ordering', prompt: 'O', items }));
    assert.equal(a.fraction({ order: ['a', 'a', 'b', 'c'] }), 0);
    assert.equal(a.fraction({ order: ['a', 'b', 'c'] }), 0);
    assert.equal(a.fraction({ order: ['a', 'b', 'c', 'z'] }), 0);
  });
});

describe('cloze', () => {
  const spec = authored({
    type: 'cloze',
    text: '{{city}} is the capital of France; 2+2={{sum}}; the sky is {{colour}}.',
    blanks: [
      { id: 'city', kind: 'text', accepted: ['Paris'] },
      { id: 'sum', kind: 'numeric', value: 4, tolerance: 0 },
      { id: 'colour', kind: 'choice', options: ['green', 'blue', 'red'], correct: 1 },
    ],
  });
  test('each blank is graded; the score is the share right', () => {
    const a = attempt(spec);
    const blue = a.drawn.options.colour.find((o: Any) => o.index === 1).token;
    assert.equal(a.fraction({ blanks: { city: 'paris', sum: '4', colour: blue } }), 1);
    assert.equal(a.fraction({ blanks: { city: 'Lyon', sum: '4' } }), 1 / 3);
    assert.equal(a.fraction({ blanks: {} }), 0);
  });
  test('choice options are delivered as tokens without the correct index', () => {
    const a = attempt(spec);
    const text = JSON.stringify(a.delivered);
    assert.doesNotMatch(text, /Paris|"correct"|"index"/);
  });
  test('a blank not placed in the text is refused at authoring', () => {
    assert.match(
      checkSpec({ type: 'cloze', text: 'none', blanks: [{ id: 'x', kind: 'numeric', value: 1 }] })
        .problems[0]!,
      /not placed/,
    );
  });
});

describe('calculated', () => {
  const spec = authored({
    type: 'calculated',
    prompt: 'What is {a} times {b}?',
    variables: [
      { name: 'a', min: 2, max: 9 },
      { name: 'b', min: 1.5, max: 3.5, decimals: 1 },
    ],
    formula: 'a * b',
    tolerance: 0.001,
  });
  test('variables are drawn per attempt, stable for the same attempt', () => {
    const one = attempt(spec, 'attempt-1');
    assert.deepEqual(one.drawn, attempt(spec, 'attempt-1').drawn);
    const values = new Set(
      Array.from({ length: 20 }, (_, i) => JSON.stringify(attempt(spec, `x${i}`).drawn)),
    );
    assert.ok(values.size > 1);
    const { a, b } = one.drawn.values;
    assert.ok(a >= 2 && a <= 9 && Number.isInteger(a));
    assert.ok(b >= 1.5 && b <= 3.5);
    assert.equal((one.delivered as Any).prompt, `What is ${a} times ${b}?`);
    assert.equal(one.fraction({ text: String(a * b) }), 1);
    assert.equal(one.fraction({ text: String(a * b + 1) }), 0);
  });
  test('the formula is never delivered', () => {
    assert.doesNotMatch(JSON.stringify(attempt(spec).delivered), /a \* b/);
  });
  test('formulas that are code, not arithmetic, are refused', () => {
    for (const formula of [
      'import({x: 1})',
      'f(x) = x',
      'a = 1',
      'a.constructor',
      'evaluate("1")',
      'parse("1")',
      '"text"',
      'unknownVar + 1',
      '[1,2]',
      'a ? 1 : 2',
      `${'1+'.repeat(300)}1`,
    ])
      assert.throws(() => compileFormula(formula, ['a']), FormulaError, formula);
    assert.equal(compileFormula('sqrt(a) + pi * 0', ['a']).evaluate({ a: 16 }), 4);
    assert.match(
      checkSpec({
        type: 'calculated',
        prompt: 'p',
        variables: [{ name: 'a', min: 1, max: 2 }],
        formula: 'a.constructor',
      }).problems[0]!,
      /not allowed/,
    );
  });
  test('a formula that has no value for the drawn variables grades 0, not a crash', () => {
    const spec = authored({
      type: 'calculated',
      prompt: '{a}',
      variables: [{ name: 'a', min: 0, max: 1 }],
      formula: '1 / a',
    });
    assert.deepEqual(grade(spec, { values: { a: 0 } }, { text: '1' }), {
      fraction: 0,
      notes: ['formula-failed'],
    });
  });
});

test('checkSpec refuses unknown types and wrong field types with messages', () => {
  assert.match(checkSpec({ type: 'sorcery' }).problems[0]!, /type must be one of/);
  assert.ok(checkSpec({ type: 'true_false', prompt: 'x', correct: 'yes' }).problems.length > 0);
  assert.ok(checkSpec(null).problems.length > 0);
});
