/**
 * The quiz builder's question forms and assessment-service's authoring specs (the TypeBox schemas
 * of services/assessment-service/src/domain/questions/*.ts), both ways: `specOf` reads a form into
 * a spec and `fieldsOf` turns a stored spec back into the same form's fields, so editing a question
 * starts from what it holds. The service checks the spec; these only reshape.
 */

/** Every type the builder authors, in the order its forms are shown. */
export const AUTHORED_TYPES = [
  'multiple_choice',
  'multiple_answers',
  'true_false',
  'short_answer',
  'numerical',
  'essay',
  'matching',
  'ordering',
  'cloze',
  'calculated',
  'file_response',
  'text_only',
] as const;
export type AuthoredType = (typeof AUTHORED_TYPES)[number];
export const isAuthoredType = (type: string): type is AuthoredType =>
  (AUTHORED_TYPES as readonly string[]).includes(type);

/** A form's values by field name: FormData, or a Map of what `fieldsOf` gave. */
export interface Fields {
  get(name: string): unknown;
}
export type Spec = Record<string, unknown> & { type: string };

const text = (form: Fields, name: string) => String(form.get(name) ?? '').trim();
const lines = (form: Fields, name: string) =>
  text(form, name)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
/** "1, 3" → [1, 3]: the choices' numbers as the form shows them (1-based). */
const numbers = (form: Fields, name: string) =>
  text(form, name)
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
/** An empty or non-number value goes as NaN (null in JSON), for the service to name the field. */
const numberOf = (value: string | undefined, empty: number) =>
  value === undefined || value === '' ? empty : Number(value);
/** Undefined (left out of the JSON, and clearing the stored value on an edit) when empty. */
const optional = (value: string) => (value ? value : undefined);

/**
 * A cloze blank, one a line, placed in the text as `{{id}}`: `id: a | b` accepts a or b;
 * `id: =46 ±0.5` is a number; `id: red | *green | blue` is a choice, the starred option correct.
 */
function blankOf(line: string, index: number): Record<string, unknown> {
  const colon = line.indexOf(':');
  const id = colon > 0 ? line.slice(0, colon).trim() : String(index + 1);
  const rest = (colon > 0 ? line.slice(colon + 1) : line).trim();
  if (rest.startsWith('=')) {
    const [value, tolerance] = rest.slice(1).split(/±|\+-/);
    return {
      id,
      kind: 'numeric',
      value: numberOf(value?.trim(), Number.NaN),
      tolerance: numberOf(tolerance?.trim(), 0),
    };
  }
  const parts = rest.split('|').map((part) => part.trim());
  if (parts.some((part) => part.startsWith('*')))
    return {
      id,
      kind: 'choice',
      options: parts.map((part) => part.replace(/^\*\s*/, '')),
      correct: parts.findIndex((part) => part.startsWith('*')),
    };
  return { id, kind: 'text', accepted: parts.filter(Boolean) };
}

/** `name min max decimals`, e.g. `m 1 10 0`; decimals may be left out (0). */
function variableOf(line: string): Record<string, unknown> {
  const [name = '', min, max, decimals] = line.split(/\s+/);
  return {
    name,
    min: numberOf(min, Number.NaN),
    max: numberOf(max, Number.NaN),
    decimals: numberOf(decimals, 0),
  };
}

/** The authoring spec of one question type from its form. */
export function specOf(type: string, form: Fields): Spec {
  const prompt = text(form, 'prompt');
  const choices = (correct: number[]) =>
    lines(form, 'choices').map((choice, i) => ({
      id: `c${i + 1}`,
      text: choice,
      correct: correct.includes(i + 1),
    }));
  switch (type) {
    case 'multiple_choice':
      return { type, prompt, choices: choices(numbers(form, 'correct')) };
    case 'multiple_answers':
      return {
        type,
        prompt,
        choices: choices(numbers(form, 'correct')),
        scoring: text(form, 'scoring') || 'partial',
      };
    case 'true_false':
      return { type, prompt, correct: text(form, 'correct') === 'true' };
    case 'short_answer':
      return { type, prompt, accepted: lines(form, 'accepted').map((accepted) => ({ text: accepted })) };
    case 'numerical':
      return {
        type,
        prompt,
        answers: [
          {
            value: numberOf(text(form, 'value'), Number.NaN),
            tolerance: numberOf(text(form, 'tolerance'), 0),
          },
        ],
      };
    case 'essay': {
      const maxWords = text(form, 'maxWords');
      return { type, prompt, maxWords: maxWords ? Number(maxWords) : undefined };
    }
    case 'matching':
      return {
        type,
        prompt,
        pairs: lines(form, 'pairs').map((line, i) => {
          const [left = '', ...right] = line.split('=>');
          return { id: `p${i + 1}`, prompt: left.trim(), match: right.join('=>').trim() };
        }),
        distractors: lines(form, 'distractors'),
        scoring: text(form, 'scoring') || 'partial',
      };
    case 'ordering':
      return {
        type,
        prompt,
        items: lines(form, 'items').map((item, i) => ({ id: `i${i + 1}`, text: item })),
        scoring: text(form, 'scoring') || 'positions',
      };
    case 'cloze':
      return { type, text: prompt, blanks: lines(form, 'blanks').map(blankOf) };
    case 'calculated':
      return {
        type,
        prompt,
        formula: text(form, 'formula'),
        variables: lines(form, 'variables').map(variableOf),
        tolerance: numberOf(text(form, 'tolerance'), 0),
        toleranceMode: text(form, 'toleranceMode') || 'absolute',
      };
    case 'file_response':
      return {
        type,
        prompt,
        maxFiles: numberOf(text(form, 'maxFiles'), 1),
        accept: lines(form, 'accept'),
        graderNotes: optional(text(form, 'graderNotes')),
      };
    case 'text_only':
      return { type, text: prompt };
    default:
      return { type, prompt };
  }
}

type Entry = { id?: unknown; text?: unknown; prompt?: unknown; correct?: unknown };
const entries = (value: unknown): Entry[] => (Array.isArray(value) ? (value as Entry[]) : []);
const str = (value: unknown) => (value === undefined || value === null ? '' : String(value));

/** The inverse of `specOf`: a stored spec as the values of its type's form fields. */
export function fieldsOf(spec: Spec): Record<string, string> {
  const choices = entries(spec.choices);
  const correctNumbers = choices.flatMap((choice, i) => (choice.correct ? [String(i + 1)] : [])).join(', ');
  switch (spec.type) {
    case 'multiple_choice':
    case 'multiple_answers':
      return {
        prompt: str(spec.prompt),
        choices: choices.map((c) => str(c.text)).join('\n'),
        correct: correctNumbers,
        ...(spec.type === 'multiple_answers' ? { scoring: str(spec.scoring) } : {}),
      };
    case 'true_false':
      return { prompt: str(spec.prompt), correct: spec.correct ? 'true' : 'false' };
    case 'short_answer':
      return {
        prompt: str(spec.prompt),
        accepted: entries(spec.accepted)
          .map((a) => str(a.text))
          .join('\n'),
      };
    case 'numerical': {
      const [first] = entries(spec.answers) as { value?: unknown; tolerance?: unknown }[];
      return { prompt: str(spec.prompt), value: str(first?.value), tolerance: str(first?.tolerance ?? 0) };
    }
    case 'essay':
      return { prompt: str(spec.prompt), maxWords: str(spec.maxWords) };
    case 'matching':
      return {
        prompt: str(spec.prompt),
        pairs: (spec.pairs as { prompt: string; match: string }[])
          .map((p) => `${p.prompt} => ${p.match}`)
          .join('\n'),
        distractors: ((spec.distractors as string[] | undefined) ?? []).join('\n'),
        scoring: str(spec.scoring),
      };
    case 'ordering':
      return {
        prompt: str(spec.prompt),
        items: entries(spec.items)
          .map((i) => str(i.text))
          .join('\n'),
        scoring: str(spec.scoring),
      };
    case 'cloze':
      return {
        prompt: str(spec.text),
        blanks: (spec.blanks as Record<string, unknown>[])
          .map((blank) => {
            if (blank.kind === 'numeric')
              return `${blank.id}: =${blank.value}${blank.tolerance ? ` ±${blank.tolerance}` : ''}`;
            if (blank.kind === 'choice')
              return `${blank.id}: ${(blank.options as string[])
                .map((option, i) => (i === blank.correct ? `*${option}` : option))
                .join(' | ')}`;
            return `${blank.id}: ${(blank.accepted as string[]).join(' | ')}`;
          })
          .join('\n'),
      };
    case 'calculated':
      return {
        prompt: str(spec.prompt),
        formula: str(spec.formula),
        variables: (spec.variables as { name: string; min: number; max: number; decimals?: number }[])
          .map((v) => `${v.name} ${v.min} ${v.max} ${v.decimals ?? 0}`)
          .join('\n'),
        tolerance: str(spec.tolerance ?? 0),
        toleranceMode: str(spec.toleranceMode ?? 'absolute'),
      };
    case 'file_response':
      return {
        prompt: str(spec.prompt),
        maxFiles: str(spec.maxFiles ?? 1),
        accept: ((spec.accept as string[] | undefined) ?? []).join('\n'),
        graderNotes: str(spec.graderNotes),
      };
    case 'text_only':
      return { prompt: str(spec.text) };
    default:
      return { prompt: str(spec.prompt) };
  }
}

/** Whether the form changes the question's key: what it sends differs from the stored spec's form. */
export function changesKey(stored: Spec, form: Fields): boolean {
  const unchanged = specOf(stored.type, new Map(Object.entries(fieldsOf(stored))));
  return JSON.stringify(specOf(stored.type, form)) !== JSON.stringify(unchanged);
}

/**
 * The edited spec over the stored one: what the form does not author (choice feedback, units, a
 * QTI import's details) stays; a choice, pair or item keeps its id when its text (else its place)
 * is the same, since submitted attempts' draws and answers name them and a regrade reads those.
 */
export function editedSpec(stored: Spec, edited: Spec): Spec {
  const merged: Spec = { ...stored, ...edited };
  for (const key of ['choices', 'pairs', 'items'] as const) {
    const before = entries(stored[key]);
    const after = entries(edited[key]);
    if (!before.length || !after.length) continue;
    const label = (entry: Entry) => str(entry.text ?? entry.prompt);
    const taken = new Set<string>();
    const ids: (string | undefined)[] = after.map((entry) => {
      const same = before.find((b) => !taken.has(str(b.id)) && label(b) === label(entry));
      if (same) taken.add(str(same.id));
      return same ? str(same.id) : undefined;
    });
    for (const [i, id] of ids.entries())
      if (id === undefined && before[i] && !taken.has(str(before[i]!.id))) {
        ids[i] = str(before[i]!.id);
        taken.add(ids[i]!);
      }
    let next = 1;
    const prefix = key[0];
    for (const [i, id] of ids.entries())
      if (id === undefined) {
        while (taken.has(`${prefix}${next}`)) next++;
        ids[i] = `${prefix}${next}`;
        taken.add(ids[i]!);
      }
    const byId = new Map(before.map((b) => [str(b.id), b]));
    merged[key] = after.map((entry, i) => ({ ...byId.get(ids[i]!), ...entry, id: ids[i] }));
  }
  return merged;
}
