'use client';
import { Badge, EmptyState } from '@eduspry/ui-components';
import { useRouter } from 'next/navigation';
import { useFormatter, useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';
import { clock } from '@/lib/clock';
import { useChannel } from '../../../../../live';
import { Person, personLabel, type RosterNames } from '../../../../../person';

/** One attempt as the gateway's `QuizLive.attempts` has it. */
export interface LiveAttempt {
  attemptId: string;
  userId: string;
  number: number;
  status: 'in_progress' | 'submitted';
  startedAt: string;
  deadlineAt: string | null;
  questionCount: number;
  position: number | null;
  answered: boolean;
  savedAt: string | null;
  submittedAt: string | null;
  autoSubmitted: boolean;
  answeredPositions: number[];
}

export interface LiveSnapshot {
  quizId: string;
  now: string;
  channel: { topic: string; event: string };
  attempts: LiveAttempt[];
}

/**
 * What a `quiz_progress` broadcast carries per attempt: the snapshot's fields but
 * answeredPositions, and `saved`, every question saved since the attempt's previous broadcast
 * (saves within one interval arrive as one message).
 */
type Progress = Omit<LiveAttempt, 'answeredPositions'> & {
  saved?: { position: number; answered: boolean }[];
};

const time = (iso: string | null) => (iso ? Date.parse(iso) : Number.NEGATIVE_INFINITY);

/** Broadcasts are best effort and the snapshot can be older than one: a submitted attempt stays submitted. */
function isOlder(update: Progress, current: Progress): boolean {
  if (update.status !== current.status) return update.status === 'in_progress';
  return time(update.savedAt) < time(current.savedAt);
}

function applyProgress(current: LiveAttempt | undefined, update: Progress): LiveAttempt {
  if (current && isOlder(update, current)) return current;
  const answered = new Set(current?.answeredPositions ?? []);
  const { saved, ...progress } = update;
  const saves =
    saved ?? (update.position === null ? [] : [{ position: update.position, answered: update.answered }]);
  for (const save of saves) {
    if (save.answered) answered.add(save.position);
    else answered.delete(save.position);
  }
  return { ...progress, answeredPositions: [...answered].sort((a, b) => a - b) };
}

const latest = (a: LiveAttempt) => Math.max(time(a.startedAt), time(a.savedAt), time(a.submittedAt));

/** A fresh snapshot wins where it is newer; what arrived after it was taken stays. */
function applySnapshot(current: Map<string, LiveAttempt>, snapshot: LiveSnapshot): Map<string, LiveAttempt> {
  const next = new Map<string, LiveAttempt>();
  for (const attempt of snapshot.attempts) {
    const held = current.get(attempt.attemptId);
    next.set(attempt.attemptId, held && isOlder(attempt, held) ? held : attempt);
  }
  const taken = Date.parse(snapshot.now);
  for (const [id, attempt] of current) if (!next.has(id) && latest(attempt) > taken) next.set(id, attempt);
  return next;
}

const byId = (attempts: LiveAttempt[]) => new Map(attempts.map((a) => [a.attemptId, a]));

/**
 * The table of a running quiz for its staff: the server's snapshot, then every `quiz_progress` on
 * the course's private staff channel merged into it by attempt, without a reload. A (re)join
 * refreshes the snapshot, so what was broadcast while the page loaded or the socket was away is
 * not missed. Time left and "last saved" follow a 1 s clock.
 */
export function QuizLiveView({
  snapshot,
  names,
}: {
  snapshot: LiveSnapshot;
  /** Students' names by user id, from the course roster; an id's first characters where unknown. */
  names: RosterNames;
}) {
  const t = useTranslations('quizLive');
  const format = useFormatter();
  const router = useRouter();
  const [attempts, setAttempts] = useState(() => byId(snapshot.attempts));
  const [merged, setMerged] = useState(snapshot);
  if (merged !== snapshot) {
    setMerged(snapshot);
    setAttempts((current) => applySnapshot(current, snapshot));
  }
  const [status, setStatus] = useState<string | null>(null);
  useChannel(snapshot.channel.topic, {}, (channel) => {
    channel.on('broadcast', { event: snapshot.channel.event }, ({ payload }) => {
      const message = payload as { quizId: string; attempts: Progress[] };
      // The staff channel carries every quiz of the course.
      if (message.quizId !== snapshot.quizId) return;
      setAttempts((current) => {
        const next = new Map(current);
        for (const update of message.attempts)
          next.set(update.attemptId, applyProgress(next.get(update.attemptId), update));
        return next;
      });
    });
    return (joined) => {
      setStatus(joined);
      if (joined === 'SUBSCRIBED') router.refresh();
    };
  });

  // The server's time until hydrated (the same text on both sides), then this device's, unless
  // its clock is plainly wrong: the snapshot's `now` is a second or two old by the time it is here.
  const [now, setNow] = useState(() => Date.parse(snapshot.now));
  useEffect(() => {
    const off = Date.parse(snapshot.now) - Date.now();
    const skew = Math.abs(off) > 5000 ? off : 0;
    setNow(Date.now() + skew);
    const tick = setInterval(() => setNow(Date.now() + skew), 1000);
    return () => clearInterval(tick);
  }, [snapshot.now]);

  // Submissions are said in words as they happen (those already in the snapshot are not news).
  const [announcement, setAnnouncement] = useState('');
  const before = useRef(attempts);
  useEffect(() => {
    const submitted = [...attempts.values()].filter(
      (a) => a.status === 'submitted' && before.current.get(a.attemptId)?.status !== 'submitted',
    );
    before.current = attempts;
    if (submitted.length)
      setAnnouncement(
        submitted
          .map((a) =>
            t(a.autoSubmitted ? 'announceAutoSubmitted' : 'announceSubmitted', {
              student: personLabel(a.userId, names),
              number: a.number,
            }),
          )
          .join(' '),
      );
  }, [attempts, names, t]);

  const rows = [...attempts.values()].sort((a, b) => time(a.startedAt) - time(b.startedAt));
  const inProgress = rows.filter((a) => a.status === 'in_progress').length;
  const timeLeft = (a: LiveAttempt) => {
    if (a.status === 'submitted') return t('notRunning');
    if (a.deadlineAt === null) return t('noTimeLimit');
    const left = Math.ceil((Date.parse(a.deadlineAt) - now) / 1000);
    return left > 0 ? clock(left) : t('timeUp');
  };
  return (
    <section aria-labelledby="live-attempts-title">
      <ul className="stats">
        <li>
          <strong>{format.number(inProgress)}</strong> {t('inProgressCount')}
        </li>
        <li>
          <strong>{format.number(rows.length - inProgress)}</strong> {t('submittedCount')}
        </li>
      </ul>
      <p className="meta" data-testid="live-state">
        {status === null ? t('connecting') : status === 'SUBSCRIBED' ? t('connected') : t('disconnected')}
      </p>
      <div role="status" className="ui-visually-hidden" data-testid="live-announcement">
        {announcement}
      </div>
      <h2 id="live-attempts-title">{t('attemptsTitle')}</h2>
      {rows.length === 0 ? (
        <EmptyState>{t('empty')}</EmptyState>
      ) : (
        <table className="attempts">
          <caption className="ui-visually-hidden">{t('caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('student')}</th>
              <th scope="col">{t('attempt')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col">{t('question')}</th>
              <th scope="col">{t('answered')}</th>
              <th scope="col">{t('timeLeft')}</th>
              <th scope="col">{t('lastSaved')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.attemptId}>
                <th scope="row">
                  <Person id={a.userId} names={names} />
                </th>
                <td>{format.number(a.number)}</td>
                <td>
                  {a.status === 'in_progress' ? (
                    <Badge>{t('inProgress')}</Badge>
                  ) : (
                    <Badge tone="good">{a.autoSubmitted ? t('autoSubmitted') : t('submitted')}</Badge>
                  )}
                </td>
                <td>
                  {a.position === null
                    ? t('noQuestionYet')
                    : t('questionOf', { number: a.position + 1, total: a.questionCount })}
                </td>
                <td>{t('answeredOf', { answered: a.answeredPositions.length, total: a.questionCount })}</td>
                <td>{timeLeft(a)}</td>
                <td>
                  {a.savedAt
                    ? format.relativeTime(new Date(Math.min(Date.parse(a.savedAt), now)), now)
                    : t('neverSaved')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
