import { getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';
import type { AuthoredType } from '@/lib/question-spec';
import { KeptSelect, KeptTextField } from '../../../action-form';

/**
 * The fields of one question type's form (lib/question-spec.ts reads them into a spec and back):
 * the builder's forms start empty, the question page's from the stored question (`values`).
 */
export async function QuestionFields({
  type,
  prefix = type,
  values = {},
}: {
  type: AuthoredType;
  /** Makes the fields' ids unique on a page with several forms. */
  prefix?: string;
  values?: Record<string, string>;
}) {
  const t = await getTranslations('quizBuilder');
  const id = (name: string) => `${prefix}-${name}`;
  const field = (
    name: string,
    label: string,
    options: {
      hint?: string;
      multiline?: boolean;
      required?: boolean;
      type?: string;
      fallback?: string;
    } = {},
  ) => (
    <KeptTextField
      label={label}
      name={name}
      id={id(name)}
      {...(options.hint ? { hint: options.hint } : {})}
      {...(options.multiline ? { multiline: true } : {})}
      {...(options.required ? { required: true } : {})}
      {...(options.type ? { type: options.type } : {})}
      {...((values[name] ?? options.fallback) !== undefined
        ? { defaultValue: values[name] ?? options.fallback }
        : {})}
    />
  );
  const select = (name: string, label: string, choices: string[], messages: string) => (
    <KeptSelect
      label={label}
      name={name}
      id={id(name)}
      options={choices.map((value) => ({ value, label: t(`${messages}.${value}`) }))}
      {...(values[name] ? { defaultValue: values[name] } : {})}
    />
  );
  const promptLabel = type === 'cloze' ? t('clozeText') : type === 'text_only' ? t('text') : t('prompt');
  const promptHint =
    type === 'cloze'
      ? t('clozeTextHint', { placeholder: '{{p}}' })
      : type === 'calculated'
        ? t('calculatedPromptHint', { placeholder: '{a}' })
        : undefined;
  const choices = (correctLabel: string, correctHint?: string) => (
    <>
      {field('choices', t('choices'), { multiline: true, required: true, hint: t('choicesHint') })}
      {field('correct', correctLabel, { required: true, ...(correctHint ? { hint: correctHint } : {}) })}
    </>
  );
  // Tolerances are text fields: a number input's step of 1 would refuse 0.01 in the browser.
  const specific: Record<AuthoredType, ReactNode> = {
    multiple_choice: choices(t('correctChoice')),
    multiple_answers: (
      <>
        {choices(t('correctChoices'), t('correctChoicesHint'))}
        {select('scoring', t('scoring'), ['partial', 'all_or_nothing', 'right_minus_wrong'], 'scorings')}
      </>
    ),
    true_false: (
      <KeptSelect
        label={t('correctStatement')}
        name="correct"
        id={id('correct')}
        options={[
          { value: 'true', label: t('true') },
          { value: 'false', label: t('false') },
        ]}
        {...(values.correct ? { defaultValue: values.correct } : {})}
      />
    ),
    short_answer: field('accepted', t('accepted'), {
      multiline: true,
      required: true,
      hint: t('acceptedHint'),
    }),
    numerical: (
      <>
        {field('value', t('value'), { required: true })}
        {field('tolerance', t('tolerance'), { fallback: '0' })}
      </>
    ),
    essay: field('maxWords', t('maxWords'), { type: 'number' }),
    matching: (
      <>
        {field('pairs', t('pairs'), { multiline: true, required: true, hint: t('pairsHint') })}
        {field('distractors', t('distractors'), { multiline: true, hint: t('distractorsHint') })}
        {select('scoring', t('scoring'), ['partial', 'all_or_nothing'], 'scorings')}
      </>
    ),
    ordering: (
      <>
        {field('items', t('items'), { multiline: true, required: true, hint: t('itemsHint') })}
        {select('scoring', t('scoring'), ['positions', 'adjacent', 'all_or_nothing'], 'scorings')}
      </>
    ),
    cloze: field('blanks', t('blanks'), { multiline: true, required: true, hint: t('blanksHint') }),
    calculated: (
      <>
        {field('formula', t('formula'), { required: true, hint: t('formulaHint') })}
        {field('variables', t('variables'), { multiline: true, required: true, hint: t('variablesHint') })}
        {field('tolerance', t('tolerance'), { fallback: '0' })}
        {select('toleranceMode', t('toleranceMode'), ['absolute', 'relative'], 'toleranceModes')}
      </>
    ),
    file_response: (
      <>
        {field('maxFiles', t('maxFiles'), { type: 'number', fallback: '1' })}
        {field('accept', t('accept'), { multiline: true, hint: t('acceptHint') })}
        {field('graderNotes', t('graderNotes'), { multiline: true })}
      </>
    ),
    text_only: null,
  };
  return (
    <>
      {field('title', t('questionTitle'), { required: true })}
      {field('prompt', promptLabel, {
        multiline: true,
        required: true,
        ...(promptHint ? { hint: promptHint } : {}),
      })}
      {type === 'text_only' ? null : field('points', t('points'), { type: 'number', fallback: '1' })}
      {field('tags', t('tags'), { hint: t('tagsHint') })}
      {specific[type]}
    </>
  );
}
