import { type BroadcastMessage, type RealtimePort, withTenant } from '@eduspry/common';
import { liveAttempts } from '../db/attempts.ts';
import type { AssessmentContext, Caller } from './context.ts';
import { loadQuizForStaff } from './quizzes.ts';

/**
 * The instructor's live view of a running quiz: who is in it, on which question, how long they
 * have. Each start, save and submit becomes an attempt's progress, sent to the course's staff
 * channel `course-staff:<courseId>` (realtime-service admits only the course's teachers, TAs and
 * the tenant's admins) through its broadcast API. Progress is coalesced per attempt and sent at
 * most once per interval, so a year group saving at once is a few requests a second, not one per
 * save, and the save itself never waits for it. Best effort: the snapshot
 * (`GET /quizzes/:id/live`) is what a page starts from and returns to after a lost connection.
 * Progress carries positions and times only, never an answer.
 */
export interface AttemptProgress {
  attemptId: string;
  quizId: string;
  courseId: string;
  userId: string;
  number: number;
  status: 'in_progress' | 'submitted';
  startedAt: Date;
  deadlineAt: Date | null;
  questionCount: number;
  /** The question the student saved last (0-based), null before the first save. */
  position: number | null;
  /** Whether that save holds an answer (false when the student cleared it). */
  answered: boolean;
  savedAt: Date | null;
  submittedAt: Date | null;
  autoSubmitted: boolean;
}

export const LIVE_EVENT = 'quiz_progress' as const;
export const staffTopic = (courseId: string) => `course-staff:${courseId}`;

export interface LiveFeed {
  progress(update: AttemptProgress | undefined): void;
  /** Sends what is pending now (tests, shutdown). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export const noLiveFeed: LiveFeed = {
  progress() {},
  async flush() {},
  async close() {},
};

/** How an attempt's progress reads on the wire (and in the snapshot). */
export function progressPayload(p: Omit<AttemptProgress, 'quizId' | 'courseId'>) {
  return {
    attemptId: p.attemptId,
    userId: p.userId,
    number: p.number,
    status: p.status,
    startedAt: p.startedAt.toISOString(),
    deadlineAt: p.deadlineAt?.toISOString() ?? null,
    questionCount: p.questionCount,
    position: p.position,
    answered: p.answered,
    savedAt: p.savedAt?.toISOString() ?? null,
    submittedAt: p.submittedAt?.toISOString() ?? null,
    autoSubmitted: p.autoSubmitted,
  };
}

/** An attempt's newest progress and every question saved since the last send (position → answered). */
interface Pending {
  update: AttemptProgress;
  saved: Map<number, boolean>;
}

/**
 * One message per quiz per flush: `{quizId, attempts: [...]}`, each attempt's newest state and
 * `saved`, the questions saved since its last message, so a page counting answered questions
 * misses none of the saves coalesced into one message.
 */
export function progressMessages(entries: Iterable<Pending>): BroadcastMessage[] {
  const byQuiz = new Map<string, { courseId: string; attempts: Record<string, unknown>[] }>();
  for (const { update, saved } of entries) {
    const entry = byQuiz.get(update.quizId) ?? { courseId: update.courseId, attempts: [] };
    entry.attempts.push({
      ...progressPayload(update),
      saved: [...saved].sort(([a], [b]) => a - b).map(([position, answered]) => ({ position, answered })),
    });
    byQuiz.set(update.quizId, entry);
  }
  return [...byQuiz].map(([quizId, { courseId, attempts }]) => ({
    topic: staffTopic(courseId),
    event: LIVE_EVENT,
    payload: { quizId, attempts },
    private: true,
  }));
}

export function liveFeed(options: {
  realtime: RealtimePort;
  intervalMs: number;
  log: { warn(fields: Record<string, unknown>, message: string): void };
  /** Attempts kept pending while realtime-service is unreachable; the oldest go first. */
  maxPending?: number;
}): LiveFeed {
  const maxPending = options.maxPending ?? 20_000;
  let pending = new Map<string, Pending>();
  let sending: Promise<void> | undefined;
  let failing = false;

  /** Adds `entry` to what is pending; over an older entry of its attempt, keeping that one's saves. */
  function merge(entry: Pending): void {
    const held = pending.get(entry.update.attemptId);
    if (held) {
      pending.delete(entry.update.attemptId);
      entry = { update: entry.update, saved: new Map([...held.saved, ...entry.saved]) };
    } else if (pending.size >= maxPending) pending.delete(pending.keys().next().value!);
    pending.set(entry.update.attemptId, entry);
  }

  async function send(): Promise<void> {
    if (!pending.size) return;
    const batch = pending;
    pending = new Map();
    try {
      await options.realtime.broadcast(progressMessages(batch.values()));
      failing = false;
    } catch (error) {
      // Put back under what came in meanwhile (older first, so the newer state wins); logged
      // once per outage.
      const meanwhile = pending;
      pending = new Map();
      for (const entry of [...batch.values(), ...meanwhile.values()]) merge(entry);
      if (!failing) options.log.warn({ err: error }, 'live quiz progress not delivered; retrying');
      failing = true;
    }
  }
  const flush = async () => {
    while (sending) await sending;
    sending = send().finally(() => {
      sending = undefined;
    });
    await sending;
  };
  const timer = setInterval(() => {
    if (!sending && pending.size) void flush();
  }, options.intervalMs);
  timer.unref();
  return {
    progress(update) {
      if (!update) return;
      merge({
        update,
        saved: update.position === null ? new Map() : new Map([[update.position, update.answered]]),
      });
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}

/** How long a submitted attempt stays in the live view. */
const RECENTLY_SUBMITTED_MS = 60 * 60 * 1000;
const LIVE_LIMIT = 5000;

/**
 * The live view's snapshot (staff of the course): every open attempt and those submitted in the
 * last hour, and where to subscribe for what changes next.
 */
export async function liveQuiz(ctx: AssessmentContext, caller: Caller, quizId: string) {
  const quiz = await loadQuizForStaff(ctx, caller, quizId);
  const now = ctx.now();
  const rows = await withTenant(ctx.sql, caller.claims, (tx) =>
    liveAttempts(tx, quizId, new Date(now.getTime() - RECENTLY_SUBMITTED_MS), LIVE_LIMIT),
  );
  return {
    quizId,
    courseId: quiz.courseId,
    now: now.toISOString(),
    channel: { topic: staffTopic(quiz.courseId), event: LIVE_EVENT, private: true as const },
    attempts: rows.map(({ answeredPositions, ...row }) => ({
      ...progressPayload({
        ...row,
        answered: row.position !== null && answeredPositions.includes(row.position),
      }),
      answeredPositions,
    })),
  };
}
