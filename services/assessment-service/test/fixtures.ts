import { expectOk, type Harness, type Json, type User } from './helpers.ts';

/** Authored questions of most types, each with a key a leak would reveal. */
export const QUESTIONS: { title: string; points?: number; tags?: string[]; spec: Json }[] = [
  {
    title: 'Capital',
    spec: {
      type: 'multiple_choice',
      prompt: 'Capital of France?',
      choices: [
        { id: 'paris', text: 'Paris', correct: true, feedback: 'KEYFEEDBACK-mc' },
        { id: 'lyon', text: 'Lyon' },
        { id: 'nice', text: 'Nice' },
      ],
    },
  },
  {
    title: 'Primes',
    points: 2,
    spec: {
      type: 'multiple_answers',
      prompt: 'Which are prime?',
      scoring: 'partial',
      choices: [
        { id: 'two', text: '2', correct: true },
        { id: 'three', text: '3', correct: true },
        { id: 'four', text: '4' },
      ],
    },
  },
  { title: 'Wet', spec: { type: 'true_false', prompt: 'Water is wet', correct: true } },
  {
    title: 'Author',
    spec: { type: 'short_answer', prompt: 'Who wrote Hamlet?', accepted: [{ text: 'KEYSHAKESPEARE' }] },
  },
  {
    title: 'Pi',
    spec: { type: 'numerical', prompt: 'Pi to 2 decimals', answers: [{ value: 3.14, tolerance: 0.005 }] },
  },
  {
    title: 'Essay',
    points: 4,
    spec: { type: 'essay', prompt: 'Explain gravity', graderNotes: 'HIDDENGRADERNOTE' },
  },
  {
    title: 'Match',
    spec: {
      type: 'matching',
      prompt: 'Match capitals',
      pairs: [
        { id: 'fr', prompt: 'France', match: 'Paris' },
        { id: 'de', prompt: 'Germany', match: 'Berlin' },
      ],
    },
  },
  {
    title: 'Order',
    spec: {
      type: 'ordering',
      prompt: 'Smallest first',
      items: [
        { id: 'one', text: '1' },
        { id: 'two', text: '2' },
        { id: 'three', text: '3' },
      ],
    },
  },
  {
    title: 'Cloze',
    spec: {
      type: 'cloze',
      text: 'The sky is {{c}}.',
      blanks: [{ id: 'c', kind: 'text', accepted: ['KEYBLUE'] }],
    },
  },
  {
    title: 'Calc',
    spec: {
      type: 'calculated',
      prompt: 'What is {a} plus {b}?',
      variables: [
        { name: 'a', min: 1, max: 9 },
        { name: 'b', min: 1, max: 9 },
      ],
      formula: 'a + b + 0 * 7919',
    },
  },
  { title: 'Read', spec: { type: 'text_only', text: 'Read carefully.' } },
];

export async function bankWith(h: Harness, teacher: User, courseId: string, questions = QUESTIONS) {
  const bank = expectOk(await h.call(teacher, 'POST', '/banks', { courseId, title: 'Bank' }), 201);
  const ids: string[] = [];
  for (const q of questions)
    ids.push(expectOk(await h.call(teacher, 'POST', `/banks/${bank.id}/questions`, q), 201).id);
  return { bankId: bank.id as string, questionIds: ids };
}

/** The right answer for a delivered question, worked out from the staff review (key + draw). */
export function rightAnswer(review: Json): Json {
  const { type, correct, payload } = review;
  switch (type) {
    case 'multiple_choice':
      return { choice: correct.choice };
    case 'multiple_answers':
      return { choices: correct.choices };
    case 'true_false':
      return { value: correct.value };
    case 'short_answer':
      return { text: correct.accepted[0] };
    case 'numerical':
    case 'calculated':
      return { text: String(correct.value) };
    case 'matching':
      return { matches: correct.matches };
    case 'ordering':
      return { order: correct.order };
    case 'cloze':
      return { blanks: correct.blanks };
    case 'essay':
      return { text: 'OTHERSTUDENTESSAY gravity pulls' };
    case 'file_response':
      return { fileIds: [crypto.randomUUID()] };
    default:
      void payload;
      return null;
  }
}
