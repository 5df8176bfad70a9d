// The builder's forms and assessment-service's authoring specs, both ways (lib/question-spec.ts):
// pure, no platform needed. The browser suite checks what the service stores from the forms.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changesKey, editedSpec, fieldsOf, type Spec, specOf } from '../lib/question-spec.ts';

/** As JSON sends it: a field left empty (undefined) is not there at all. */
const sent = (spec: unknown) => JSON.parse(JSON.stringify(spec));
const form = (fields: Record<string, string>) => new Map(Object.entries(fields));

/** One spec per type, as `specOf` writes it (its ids, its defaults). */
const SPECS: Spec[] = [
  {
    type: 'multiple_choice',
    prompt: 'Largest planet?',
    choices: [
      { id: 'c1', text: 'Jupiter', correct: true },
      { id: 'c2', text: 'Mars', correct: false },
    ],
  },
  {
    type: 'multiple_answers',
    prompt: 'Gas giants?',
    choices: [
      { id: 'c1', text: 'Jupiter', correct: true },
      { id: 'c2', text: 'Saturn', correct: true },
      { id: 'c3', text: 'Mars', correct: false },
    ],
    scoring: 'right_minus_wrong',
  },
  { type: 'true_false', prompt: 'The Sun is a star.', correct: false },
  { type: 'short_answer', prompt: 'Red planet?', accepted: [{ text: 'Mars' }, { text: 'the red *' }] },
  { type: 'numerical', prompt: 'g in m/s²?', answers: [{ value: 9.81, tolerance: 0.05 }] },
  { type: 'essay', prompt: 'Why do stars shine?', maxWords: 300 },
  {
    type: 'matching',
    prompt: 'Match.',
    pairs: [
      { id: 'p1', prompt: 'Force', match: 'newton' },
      { id: 'p2', prompt: 'Energy', match: 'joule' },
    ],
    distractors: ['watt'],
    scoring: 'all_or_nothing',
  },
  {
    type: 'ordering',
    prompt: 'Nearest the Sun first.',
    items: [
      { id: 'i1', text: 'Mercury' },
      { id: 'i2', text: 'Venus' },
    ],
    scoring: 'adjacent',
  },
  {
    type: 'cloze',
    text: '{{a}} is {{b}}, about {{c}} AU out.',
    blanks: [
      { id: 'a', kind: 'text', accepted: ['Mars', 'the red planet'] },
      { id: 'b', kind: 'choice', options: ['hot', 'cold'], correct: 1 },
      { id: 'c', kind: 'numeric', value: 1.5, tolerance: 0.1 },
    ],
  },
  {
    type: 'calculated',
    prompt: '{f} N on {m} kg: acceleration?',
    formula: 'f / m',
    variables: [
      { name: 'f', min: 1, max: 10, decimals: 0 },
      { name: 'm', min: 0.5, max: 2, decimals: 1 },
    ],
    tolerance: 0.02,
    toleranceMode: 'relative',
  },
  {
    type: 'file_response',
    prompt: 'Hand in the report.',
    maxFiles: 3,
    accept: ['application/pdf', 'image/png'],
    graderNotes: 'Units!',
  },
  { type: 'text_only', text: 'Part two.' },
];

test('fieldsOf is the inverse of specOf for every type the builder authors', () => {
  for (const spec of SPECS) assert.deepEqual(sent(specOf(spec.type, form(fieldsOf(spec)))), spec, spec.type);
});

test('an edit changes the key only when the form does; ids and what the form does not author stay', () => {
  // As a QTI import may store it: its own ids, choice feedback, shuffling off.
  const stored: Spec = {
    type: 'multiple_choice',
    prompt: 'Largest planet?',
    shuffleChoices: false,
    choices: [
      { id: 'jup', text: 'Jupiter', correct: false, feedback: 'It is!' },
      { id: 'sat', text: 'Saturn', correct: true },
    ],
  };
  const fields = fieldsOf(stored);
  assert.equal(changesKey(stored, form(fields)), false);
  const fixed = form({ ...fields, correct: '1' });
  assert.equal(changesKey(stored, fixed), true);
  assert.deepEqual(sent(editedSpec(stored, specOf('multiple_choice', fixed))), {
    ...stored,
    choices: [
      { id: 'jup', text: 'Jupiter', correct: true, feedback: 'It is!' },
      { id: 'sat', text: 'Saturn', correct: false },
    ],
  });
  // A choice whose text was corrected keeps its place's id; a new one gets a free id.
  const retyped = form({ ...fields, choices: 'Jupiter\nSaturn (ringed)\nMars' });
  assert.deepEqual(
    (editedSpec(stored, specOf('multiple_choice', retyped)).choices as { id: string }[]).map((c) => c.id),
    ['jup', 'sat', 'c1'],
  );
  // An optional field emptied is cleared, not kept from the stored spec.
  const essay: Spec = { type: 'essay', prompt: 'Why?', maxWords: 100 };
  assert.deepEqual(sent(editedSpec(essay, specOf('essay', form({ prompt: 'Why?', maxWords: '' })))), {
    type: 'essay',
    prompt: 'Why?',
  });
});
