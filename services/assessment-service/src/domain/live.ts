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

/** One message per quiz per flush: `{quizId, attempts: [...]}`, newest state of each attempt. */
export function progressMessages(updates: Iterable<AttemptProgress>): BroadcastMessage[] {
  const byQuiz = new Map<string, { courseId: string; attempts: ReturnType<typeof progressPayload>[] }>();
  for (const update of updates) {
    const entry = byQuiz.get(update.quizId) ?? { courseId: update.courseId, attempts: [] };
    entry.attempts.push(progressPayload(update));
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
  let pending = new Map<string, AttemptProgress>();
  let sending: Promise<void> | undefined;
  let failing = false;

  async function send(): Promise<void> {
    if (!pending.size) return;
    const batch = pending;
    pending = new Map();
    try {
      await options.realtime.broadcast(progressMessages(batch.values()));
      failing = false;
    } catch (error) {
      // Put back what newer progress has not replaced; logged once per outage.
      for (const [id, update] of batch)
        if (!pending.has(id) && pending.size < maxPending) pending.set(id, update);
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
      pending.delete(update.attemptId);
      if (pending.size >= maxPending) pending.delete(pending.keys().next().value!);
      pending.set(update.attemptId, update);
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
