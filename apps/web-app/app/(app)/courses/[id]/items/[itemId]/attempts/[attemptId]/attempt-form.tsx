'use client';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useCallback, useEffect, useRef, useState } from 'react';
import { clock } from '@/lib/clock';
import { type SaveOutcome, saveQuizAnswer, submitQuizAttempt } from '@/lib/quiz-actions';

// biome-ignore lint/suspicious/noExplicitAny: payloads and answers are assessment-service's JSON per type
type Json = any;

export interface AttemptQuestion {
  position: number;
  type: string;
  points: number;
  payload: Json;
  answer: Json;
}

type SaveState = 'saving' | 'saved' | 'retrying' | 'closed';

/** Codes after which saving again cannot help: the attempt is over (the page then shows results). */
const FINAL = new Set(['ATTEMPT_DEADLINE_PASSED', 'ATTEMPT_SUBMITTED', 'NOT_FOUND']);
const DEBOUNCE_MS = 600;

/**
 * The attempt while it is open: one plain form control per question type, each answer saved a
 * moment after it changes (retried with backoff when a save fails), the time left from the
 * server's deadline, and Submit with a confirmation. State lives here only; the server has
 * every saved answer, so a reload (or another device) resumes where it was.
 */
export function AttemptForm({
  courseId,
  itemId,
  attemptId,
  questions,
  timeRemainingSeconds,
  oneAtATime,
}: {
  courseId: string;
  itemId: string;
  attemptId: string;
  questions: AttemptQuestion[];
  timeRemainingSeconds: number | null;
  oneAtATime: boolean;
}) {
  const t = useTranslations('quiz');
  const router = useRouter();
  const [answers, setAnswers] = useState<Record<number, Json>>(() =>
    Object.fromEntries(questions.map((q) => [q.position, q.answer ?? null])),
  );
  const [states, setStates] = useState<Record<number, SaveState>>({});
  const [index, setIndex] = useState(0);
  const [submitting, setSubmitting] = useState(false);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());
  const pending = useRef(new Map<number, Json>());
  const inFlight = useRef(new Map<number, Promise<void>>());

  // Time left counts down from the server's figure (not this device's clock).
  const [left, setLeft] = useState(timeRemainingSeconds);
  useEffect(() => {
    if (timeRemainingSeconds === null) return;
    const end = Date.now() + timeRemainingSeconds * 1000;
    const tick = setInterval(() => {
      const now = Math.round((end - Date.now()) / 1000);
      setLeft(now);
      if (now <= 0) {
        clearInterval(tick);
        // The server submits once the deadline (and its grace) has passed; the page then shows
        // what was saved. Already at zero on arrival: within the grace, so look again later.
        setTimeout(() => router.refresh(), timeRemainingSeconds === 0 ? 10_000 : 1500);
      }
    }, 1000);
    return () => clearInterval(tick);
  }, [timeRemainingSeconds, router]);

  const save = useCallback(
    (position: number, attempt = 0): Promise<void> => {
      const answer = pending.current.get(position);
      pending.current.delete(position);
      setStates((s) => ({ ...s, [position]: 'saving' }));
      const run = saveQuizAnswer(attemptId, position, answer ?? null).then((outcome: SaveOutcome) => {
        if (outcome.ok) {
          // A newer answer typed meanwhile is saved next.
          setStates((s) => ({ ...s, [position]: pending.current.has(position) ? 'saving' : 'saved' }));
          return;
        }
        if (FINAL.has(outcome.code)) {
          setStates((s) => ({ ...s, [position]: 'closed' }));
          router.refresh();
          return;
        }
        setStates((s) => ({ ...s, [position]: 'retrying' }));
        if (!pending.current.has(position)) pending.current.set(position, answer);
        const wait = Math.min(30_000, 2000 * 2 ** attempt);
        timers.current.set(
          position,
          setTimeout(() => void save(position, attempt + 1), wait),
        );
      });
      inFlight.current.set(position, run);
      return run;
    },
    [attemptId, router],
  );

  const change = (position: number, answer: Json) => {
    setAnswers((a) => ({ ...a, [position]: answer }));
    pending.current.set(position, answer);
    setStates((s) => ({ ...s, [position]: 'saving' }));
    const timer = timers.current.get(position);
    if (timer) clearTimeout(timer);
    timers.current.set(
      position,
      setTimeout(() => void save(position), DEBOUNCE_MS),
    );
  };

  /** Every answer not saved yet is saved now (before submitting). */
  const flush = async () => {
    for (const timer of timers.current.values()) clearTimeout(timer);
    timers.current.clear();
    await Promise.all([...inFlight.current.values()]);
    await Promise.all([...pending.current.keys()].map((position) => save(position, 5)));
  };

  const submit = async () => {
    if (!window.confirm(t('confirmSubmit'))) return;
    setSubmitting(true);
    await flush();
    await submitQuizAttempt(courseId, itemId, attemptId);
  };

  const shown = oneAtATime ? questions.slice(index, index + 1) : questions;
  const answerable = questions.filter((q) => q.type !== 'text_only' && q.type !== 'file_response');
  const answered = answerable.filter((q) => !isEmpty(answers[q.position])).length;
  return (
    <div className="attempt">
      <div className="attempt-bar">
        {left !== null ? (
          <p className="attempt-timer" role="timer" aria-live="off">
            {left > 0 ? t('timeLeft', { time: clock(left) }) : t('timeUp')}
          </p>
        ) : null}
        <p>{t('answered', { answered, total: answerable.length })}</p>
      </div>
      {/* Announced at the thresholds only, not every second. */}
      <p className="ui-visually-hidden" aria-live="polite">
        {left !== null && left > 0 && left <= 60 ? t('oneMinuteLeft') : ''}
      </p>
      <ol className="questions" start={oneAtATime ? index + 1 : 1}>
        {shown.map((q) => (
          <li key={q.position} className="question">
            <Question
              question={q}
              answer={answers[q.position]}
              onChange={(answer) => change(q.position, answer)}
              disabled={submitting || states[q.position] === 'closed'}
            />
            <p className="save-state" aria-live="polite">
              {states[q.position] === 'saving'
                ? t('saving')
                : states[q.position] === 'saved'
                  ? t('saved')
                  : states[q.position] === 'retrying'
                    ? t('notSaved')
                    : states[q.position] === 'closed'
                      ? t('closed')
                      : ''}
            </p>
          </li>
        ))}
      </ol>
      {oneAtATime ? (
        <nav className="quiz-nav" aria-label={t('questionNav')}>
          <button
            type="button"
            className="ui-button ui-button-secondary"
            disabled={index === 0}
            onClick={() => setIndex((i) => Math.max(0, i - 1))}
          >
            {t('previous')}
          </button>
          <span>{t('questionOf', { number: index + 1, total: questions.length })}</span>
          <button
            type="button"
            className="ui-button ui-button-secondary"
            disabled={index >= questions.length - 1}
            onClick={() => setIndex((i) => Math.min(questions.length - 1, i + 1))}
          >
            {t('next')}
          </button>
        </nav>
      ) : null}
      <p>
        <button type="button" className="ui-button ui-button-primary" disabled={submitting} onClick={submit}>
          {submitting ? t('submitting') : t('submit')}
        </button>
      </p>
    </div>
  );
}

function isEmpty(answer: Json): boolean {
  if (answer === null || answer === undefined) return true;
  if (typeof answer.text === 'string') return answer.text.trim() === '';
  if (Array.isArray(answer.choices)) return answer.choices.length === 0;
  if (answer.matches) return Object.keys(answer.matches).length === 0;
  if (answer.blanks) return Object.values(answer.blanks).every((v) => v === '');
  return false;
}

/** One question, by type, as plain form controls labelled by its prompt. */
function Question({
  question,
  answer,
  onChange,
  disabled,
}: {
  question: AttemptQuestion;
  answer: Json;
  onChange: (answer: Json) => void;
  disabled: boolean;
}) {
  const t = useTranslations('quiz');
  const { type, payload, position } = question;
  const name = `q${position}`;
  const points = <span className="meta"> {t('points', { points: question.points })}</span>;
  switch (type) {
    case 'multiple_choice':
    case 'true_false': {
      const options: { id: string; text: string }[] =
        type === 'true_false'
          ? [
              { id: 'true', text: t('true') },
              { id: 'false', text: t('false') },
            ]
          : payload.choices;
      const current = type === 'true_false' ? (answer ? String(answer.value) : '') : (answer?.choice ?? '');
      return (
        <fieldset disabled={disabled}>
          <legend className="prompt">
            {payload.prompt}
            {points}
          </legend>
          {options.map((option) => (
            <div className="ui-check" key={option.id}>
              <input
                type="radio"
                id={`${name}-${option.id}`}
                name={name}
                value={option.id}
                checked={current === option.id}
                onChange={() =>
                  onChange(type === 'true_false' ? { value: option.id === 'true' } : { choice: option.id })
                }
              />
              <label htmlFor={`${name}-${option.id}`}>{option.text}</label>
            </div>
          ))}
        </fieldset>
      );
    }
    case 'multiple_answers': {
      const picked: string[] = answer?.choices ?? [];
      return (
        <fieldset disabled={disabled}>
          <legend className="prompt">
            {payload.prompt}
            {points}
            <span className="meta"> {t('selectAll')}</span>
          </legend>
          {payload.choices.map((option: { id: string; text: string }) => (
            <div className="ui-check" key={option.id}>
              <input
                type="checkbox"
                id={`${name}-${option.id}`}
                name={name}
                value={option.id}
                checked={picked.includes(option.id)}
                onChange={(event) =>
                  onChange({
                    choices: event.target.checked
                      ? [...picked, option.id]
                      : picked.filter((id) => id !== option.id),
                  })
                }
              />
              <label htmlFor={`${name}-${option.id}`}>{option.text}</label>
            </div>
          ))}
        </fieldset>
      );
    }
    case 'short_answer':
    case 'numerical':
    case 'calculated':
    case 'essay': {
      const value = answer?.text ?? '';
      const update = (text: string) => onChange(text === '' ? null : { text });
      const hint =
        type === 'numerical' && payload.units?.length
          ? t('unitsHint', { units: payload.units.join(', ') })
          : type === 'essay' && payload.maxWords
            ? t('maxWords', { count: payload.maxWords })
            : null;
      return (
        <div className="ui-field">
          <label htmlFor={name} className="prompt">
            {payload.prompt}
            {points}
          </label>
          {type === 'essay' ? (
            <textarea
              id={name}
              rows={8}
              value={value}
              disabled={disabled}
              aria-describedby={hint ? `${name}-hint` : undefined}
              onChange={(event) => update(event.target.value)}
            />
          ) : (
            <input
              id={name}
              type="text"
              inputMode={type === 'short_answer' ? undefined : 'decimal'}
              autoComplete="off"
              value={value}
              disabled={disabled}
              aria-describedby={hint ? `${name}-hint` : undefined}
              onChange={(event) => update(event.target.value)}
            />
          )}
          {hint ? (
            <p className="ui-hint" id={`${name}-hint`}>
              {hint}
            </p>
          ) : null}
        </div>
      );
    }
    case 'matching': {
      const matches: Record<string, string> = answer?.matches ?? {};
      return (
        <fieldset disabled={disabled}>
          <legend className="prompt">
            {payload.prompt}
            {points}
          </legend>
          {payload.items.map((item: { id: string; text: string }) => (
            <div className="ui-field" key={item.id}>
              <label htmlFor={`${name}-${item.id}`}>{item.text}</label>
              <select
                id={`${name}-${item.id}`}
                value={matches[item.id] ?? ''}
                onChange={(event) => {
                  const next = { ...matches };
                  if (event.target.value) next[item.id] = event.target.value;
                  else delete next[item.id];
                  onChange(Object.keys(next).length ? { matches: next } : null);
                }}
              >
                <option value="">{t('choose')}</option>
                {payload.options.map((option: { id: string; text: string }) => (
                  <option key={option.id} value={option.id}>
                    {option.text}
                  </option>
                ))}
              </select>
            </div>
          ))}
        </fieldset>
      );
    }
    case 'ordering': {
      const byId = new Map<string, string>(
        payload.items.map((item: { id: string; text: string }) => [item.id, item.text]),
      );
      const order: string[] = answer?.order ?? payload.items.map((item: { id: string }) => item.id);
      const move = (from: number, to: number) => {
        const next = [...order];
        const [moved] = next.splice(from, 1);
        next.splice(to, 0, moved!);
        onChange({ order: next });
      };
      return (
        <fieldset disabled={disabled}>
          <legend className="prompt">
            {payload.prompt}
            {points}
            <span className="meta"> {t('orderHint')}</span>
          </legend>
          <ol className="ordering">
            {order.map((id, i) => (
              <li key={id}>
                <span>{byId.get(id)}</span>{' '}
                <button
                  type="button"
                  className="ui-button ui-button-secondary"
                  aria-label={t('moveUp', { item: byId.get(id) ?? '' })}
                  disabled={i === 0}
                  onClick={() => move(i, i - 1)}
                >
                  {'↑'}
                </button>{' '}
                <button
                  type="button"
                  className="ui-button ui-button-secondary"
                  aria-label={t('moveDown', { item: byId.get(id) ?? '' })}
                  disabled={i === order.length - 1}
                  onClick={() => move(i, i + 1)}
                >
                  {'↓'}
                </button>
              </li>
            ))}
          </ol>
        </fieldset>
      );
    }
    case 'cloze': {
      const blanks: Record<string, string> = answer?.blanks ?? {};
      const spec = new Map<string, Json>(payload.blanks.map((blank: Json) => [blank.id, blank]));
      const parts = String(payload.text).split(/(\{\{[A-Za-z0-9_-]+\}\})/);
      let number = 0;
      const set = (id: string, value: string) => {
        const next = { ...blanks, [id]: value };
        if (value === '') delete next[id];
        onChange(Object.keys(next).length ? { blanks: next } : null);
      };
      return (
        <fieldset disabled={disabled}>
          <legend className="prompt">
            {t('fillBlanks')}
            {points}
          </legend>
          <p className="cloze">
            {parts.map((part, i) => {
              const match = /^\{\{(.+)\}\}$/.exec(part);
              const blank = match ? spec.get(match[1]!) : undefined;
              // biome-ignore lint/suspicious/noArrayIndexKey: the text's parts never move or change
              if (!blank) return <span key={i}>{part}</span>;
              number += 1;
              const label = t('blank', { number });
              return blank.kind === 'choice' ? (
                <select
                  key={blank.id}
                  aria-label={label}
                  value={blanks[blank.id] ?? ''}
                  onChange={(event) => set(blank.id, event.target.value)}
                >
                  <option value="">{t('choose')}</option>
                  {blank.options.map((option: { id: string; text: string }) => (
                    <option key={option.id} value={option.id}>
                      {option.text}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  key={blank.id}
                  type="text"
                  size={12}
                  aria-label={label}
                  autoComplete="off"
                  inputMode={blank.kind === 'numeric' ? 'decimal' : undefined}
                  value={blanks[blank.id] ?? ''}
                  onChange={(event) => set(blank.id, event.target.value)}
                />
              );
            })}
          </p>
        </fieldset>
      );
    }
    case 'file_response':
      return (
        <div>
          <p className="prompt">
            {payload.prompt}
            {points}
          </p>
          <p className="ui-hint">{t('fileResponseNote')}</p>
        </div>
      );
    case 'text_only':
      return <div className="content">{payload.text}</div>;
    default:
      return <p className="ui-hint">{t('unsupported')}</p>;
  }
}
