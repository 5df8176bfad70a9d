/** Pure rules of analytics-service: no I/O, each testable on its own. */

/** The nil uuid stands for "no course" in rollup keys, so keys stay NOT NULL. */
export const NO_COURSE = '00000000-0000-0000-0000-000000000000';
export const MAX_TRACK_EVENTS = 500;
export const MAX_PAST_MS = 24 * 3600_000;
export const MAX_FUTURE_MS = 5 * 60_000;
export const MAX_HEARTBEAT_SECONDS = 300;
export const MAX_RANGE_DAYS = 366;
export const DEFAULT_RANGE_DAYS = 28;

export const TRACK_TYPES = [
  'page_view',
  'item_opened',
  'video_played',
  'video_paused',
  'video_seeked',
  'heartbeat',
] as const;
export type TrackType = (typeof TRACK_TYPES)[number];

/** Domain events analytics consumes from the bus. */
export const CONSUMED_EVENT_TYPES = [
  'user.authentication.user_registered',
  'user.authentication.user_deactivated',
  'course.management.enrollment_changed',
  'content.delivery.file_uploaded',
  'content.delivery.file_deleted',
  'assessment.attempt.submitted',
  'assessment.grading.grade_posted',
  'course.progress.item_completed',
  'course.management.schedule_changed',
] as const;

/** One raw event as analytics stores it, whichever source it came from. */
export interface RawEvent {
  tenantId: string;
  eventId: string;
  ts: Date;
  type: string;
  userId: string | null;
  courseId: string | null;
  itemId: string | null;
  data: Record<string, unknown>;
}

export interface TrackInput {
  id: string;
  type: TrackType;
  at: string;
  courseId?: string;
  itemId?: string;
  path?: string;
  positionSeconds?: number;
  seconds?: number;
}

/** Why a tracking event is refused (clock skew), or undefined when it is fine. */
export function skewProblem(at: Date, now: Date): string | undefined {
  const t = at.getTime();
  if (Number.isNaN(t)) return 'is not a valid instant';
  if (t < now.getTime() - MAX_PAST_MS) return 'is more than 24 hours in the past';
  if (t > now.getTime() + MAX_FUTURE_MS) return 'is more than 5 minutes in the future';
  return undefined;
}

/** A tracking event of the token's tenant and user (the body never names them). */
export function rawFromTrack(tenantId: string, userId: string, input: TrackInput): RawEvent {
  const data: Record<string, unknown> = {};
  if (input.path !== undefined) data.path = input.path;
  if (input.positionSeconds !== undefined) data.positionSeconds = input.positionSeconds;
  if (input.seconds !== undefined) data.seconds = Math.min(MAX_HEARTBEAT_SECONDS, Math.max(0, input.seconds));
  return {
    tenantId,
    eventId: input.id.toLowerCase(),
    ts: new Date(input.at),
    type: input.type,
    userId,
    courseId: input.courseId?.toLowerCase() ?? null,
    itemId: input.itemId?.toLowerCase() ?? null,
    data,
  };
}

const str = (data: Record<string, unknown>, key: string): string | null =>
  typeof data[key] === 'string' ? (data[key] as string) : null;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuid = (data: Record<string, unknown>, key: string): string | null => {
  const value = str(data, key);
  return value && UUID.test(value) ? value.toLowerCase() : null;
};

/** A domain event from the bus as a raw event; the event's own tenant, never anything else. */
export function rawFromDomain(event: {
  eventId: string;
  tenantId: string;
  eventType: string;
  timestamp: string;
  data: unknown;
}): RawEvent {
  const data = (event.data ?? {}) as Record<string, unknown>;
  return {
    tenantId: event.tenantId,
    eventId: event.eventId.toLowerCase(),
    ts: new Date(event.timestamp),
    type: event.eventType,
    userId: uuid(data, 'userId'),
    courseId: uuid(data, 'courseId'),
    itemId: uuid(data, 'itemId'),
    data,
  };
}

export const dayOf = (ts: Date): string => ts.toISOString().slice(0, 10);

/** Latest by time, the larger event id breaking ties: the same winner in any order. */
export const isLater = (a: { at: Date; eventId: string }, b: { at: Date; eventId: string }): boolean =>
  a.at.getTime() > b.at.getTime() || (a.at.getTime() === b.at.getTime() && a.eventId > b.eventId);

export interface DailyDelta {
  day: string;
  courseId: string;
  userId: string;
  /** Whole milliseconds: integer sums are exact, so batching never changes the total. */
  milliseconds: number;
  events: number;
  itemsOpened: number;
  videosPlayed: number;
  attemptsSubmitted: number;
  itemsCompleted: number;
  lastAt: Date;
}
export interface ItemDelta {
  courseId: string;
  userId: string;
  itemId: string;
  moduleId: string | null;
  position: number | null;
  firstOpenedAt: Date | null;
  completedAt: Date | null;
  videoPlayedAt: Date | null;
}
export interface GradeDelta {
  courseId: string;
  quizId: string;
  userId: string;
  score: number;
  pointsPossible: number;
  at: Date;
  eventId: string;
}
export interface EnrollmentDelta {
  courseId: string;
  userId: string;
  role: string | null;
  active: boolean;
  at: Date;
  eventId: string;
}
export interface ScheduleDelta {
  courseId: string;
  moduleId: string;
  published: boolean;
  unlockAt: Date | null;
  itemIds: string[];
  removed: boolean;
  at: Date;
  eventId: string;
}
export interface UserDelta {
  userId: string;
  roles: string[] | null;
  registeredAt: Date | null;
  deactivatedAt: Date | null;
}

/** What one batch of (new, distinct) raw events changes in each rollup: one upsert per rollup. */
export interface RollupDeltas {
  daily: DailyDelta[];
  items: ItemDelta[];
  grades: GradeDelta[];
  enrollments: EnrollmentDelta[];
  users: UserDelta[];
  schedules: ScheduleDelta[];
}

const minDate = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a < b ? a : b);
const maxDate = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a > b ? a : b);

/**
 * Folds a batch of raw events into per-key deltas. Every combination is commutative and
 * associative (sums, min, max, latest-by-(time, id)), so the rollups never depend on order.
 */
export function rollupDeltas(events: readonly RawEvent[]): RollupDeltas {
  const daily = new Map<string, DailyDelta>();
  const items = new Map<string, ItemDelta>();
  const grades = new Map<string, GradeDelta>();
  const enrollments = new Map<string, EnrollmentDelta>();
  const users = new Map<string, UserDelta>();
  const schedules = new Map<string, ScheduleDelta>();

  const activity = (event: RawEvent, change: Partial<DailyDelta>) => {
    if (!event.userId) return;
    const courseId = event.courseId ?? NO_COURSE;
    const day = dayOf(event.ts);
    const key = `${day}|${courseId}|${event.userId}`;
    const row = daily.get(key) ?? {
      day,
      courseId,
      userId: event.userId,
      milliseconds: 0,
      events: 0,
      itemsOpened: 0,
      videosPlayed: 0,
      attemptsSubmitted: 0,
      itemsCompleted: 0,
      lastAt: event.ts,
    };
    row.events += 1;
    row.milliseconds += change.milliseconds ?? 0;
    row.itemsOpened += change.itemsOpened ?? 0;
    row.videosPlayed += change.videosPlayed ?? 0;
    row.attemptsSubmitted += change.attemptsSubmitted ?? 0;
    row.itemsCompleted += change.itemsCompleted ?? 0;
    if (event.ts > row.lastAt) row.lastAt = event.ts;
    daily.set(key, row);
  };
  const item = (event: RawEvent, change: Partial<ItemDelta>) => {
    if (!event.userId || !event.courseId || !event.itemId) return;
    const key = `${event.courseId}|${event.userId}|${event.itemId}`;
    const row = items.get(key) ?? {
      courseId: event.courseId,
      userId: event.userId,
      itemId: event.itemId,
      moduleId: null,
      position: null,
      firstOpenedAt: null,
      completedAt: null,
      videoPlayedAt: null,
    };
    row.firstOpenedAt = minDate(row.firstOpenedAt, change.firstOpenedAt ?? null);
    row.completedAt = minDate(row.completedAt, change.completedAt ?? null);
    row.videoPlayedAt = minDate(row.videoPlayedAt, change.videoPlayedAt ?? null);
    // Module and position are facts of the item, the same in every event that carries them.
    row.moduleId = row.moduleId ?? change.moduleId ?? null;
    row.position = row.position ?? change.position ?? null;
    items.set(key, row);
  };

  for (const event of events) {
    const data = event.data;
    switch (event.type) {
      case 'heartbeat':
        activity(event, {
          milliseconds: typeof data.seconds === 'number' ? Math.round(data.seconds * 1000) : 0,
        });
        break;
      case 'page_view':
      case 'video_paused':
      case 'video_seeked':
        activity(event, {});
        break;
      case 'item_opened':
        activity(event, { itemsOpened: 1 });
        item(event, { firstOpenedAt: event.ts });
        break;
      case 'video_played':
        activity(event, { videosPlayed: 1 });
        item(event, { videoPlayedAt: event.ts });
        break;
      case 'course.progress.item_completed': {
        activity(event, { itemsCompleted: 1 });
        const position = typeof data.position === 'number' ? data.position : null;
        item(event, { completedAt: event.ts, moduleId: uuid(data, 'moduleId'), position });
        break;
      }
      case 'assessment.attempt.submitted':
        activity(event, { attemptsSubmitted: 1 });
        break;
      case 'assessment.grading.grade_posted': {
        const quizId = uuid(data, 'quizId');
        const score = data.score;
        const points = data.pointsPossible;
        if (!event.userId || !event.courseId || !quizId) break;
        if (typeof score !== 'number' || typeof points !== 'number') break;
        const key = `${event.courseId}|${quizId}|${event.userId}`;
        const next: GradeDelta = {
          courseId: event.courseId,
          quizId,
          userId: event.userId,
          score,
          pointsPossible: points,
          at: event.ts,
          eventId: event.eventId,
        };
        const current = grades.get(key);
        if (!current || isLater(next, current)) grades.set(key, next);
        break;
      }
      case 'course.management.enrollment_changed': {
        if (!event.userId || !event.courseId) break;
        const key = `${event.courseId}|${event.userId}`;
        const next: EnrollmentDelta = {
          courseId: event.courseId,
          userId: event.userId,
          role: str(data, 'role'),
          active: data.action === 'enrolled',
          at: event.ts,
          eventId: event.eventId,
        };
        const current = enrollments.get(key);
        if (!current || isLater(next, current)) enrollments.set(key, next);
        break;
      }
      case 'course.management.schedule_changed': {
        const moduleId = uuid(data, 'moduleId');
        if (!event.courseId || !moduleId) break;
        const unlockAt = str(data, 'unlockAt');
        const next: ScheduleDelta = {
          courseId: event.courseId,
          moduleId,
          published: data.published === true,
          unlockAt: unlockAt && !Number.isNaN(Date.parse(unlockAt)) ? new Date(unlockAt) : null,
          itemIds: Array.isArray(data.itemIds)
            ? (data.itemIds as unknown[])
                .filter((id): id is string => typeof id === 'string' && UUID.test(id))
                .map((id) => id.toLowerCase())
            : [],
          removed: data.removed === true,
          at: event.ts,
          eventId: event.eventId,
        };
        const key = `${event.courseId}|${moduleId}`;
        const current = schedules.get(key);
        if (!current || isLater(next, current)) schedules.set(key, next);
        break;
      }
      case 'user.authentication.user_registered':
      case 'user.authentication.user_deactivated': {
        if (!event.userId) break;
        const row = users.get(event.userId) ?? {
          userId: event.userId,
          roles: null,
          registeredAt: null,
          deactivatedAt: null,
        };
        if (event.type === 'user.authentication.user_registered') {
          row.registeredAt = minDate(row.registeredAt, event.ts);
          if (Array.isArray(data.roles)) row.roles = (data.roles as unknown[]).map(String).sort();
        } else {
          row.deactivatedAt = maxDate(row.deactivatedAt, event.ts);
        }
        users.set(event.userId, row);
        break;
      }
      default:
        // Stored raw (file events and the like) without a rollup of their own.
        break;
    }
  }
  return {
    daily: [...daily.values()],
    items: [...items.values()],
    grades: [...grades.values()],
    enrollments: [...enrollments.values()],
    users: [...users.values()],
    schedules: [...schedules.values()],
  };
}

export interface DateRange {
  from: string;
  to: string;
}

/** `from`/`to` are inclusive UTC days; the default is the last 28 days ending today. */
export function dateRange(
  input: { from?: string | undefined; to?: string | undefined },
  now: Date,
): DateRange | string {
  const valid = (day: string) =>
    !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && dayOf(new Date(`${day}T00:00:00Z`)) === day;
  if (input.from !== undefined && !valid(input.from)) return `from ${input.from} is not a date`;
  if (input.to !== undefined && !valid(input.to)) return `to ${input.to} is not a date`;
  const to = input.to ?? dayOf(now);
  const from =
    input.from ?? dayOf(new Date(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_RANGE_DAYS - 1) * 86400_000));
  const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400_000 + 1;
  if (span < 1) return `from ${from} is after to ${to}`;
  if (span > MAX_RANGE_DAYS) return `a range spans at most ${MAX_RANGE_DAYS} days`;
  return { from, to };
}

/** Every day of the range, in order. */
export function daysOf({ from, to }: DateRange): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86400_000)
    days.push(dayOf(new Date(t)));
  return days;
}

/** 10 buckets of 10 percentage points; 100 % falls into the last. */
export function gradeBuckets(percents: readonly number[]): { from: number; to: number; count: number }[] {
  const buckets = Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: (i + 1) * 10, count: 0 }));
  for (const percent of percents) {
    const index = Math.min(9, Math.max(0, Math.floor(percent / 10)));
    buckets[index]!.count += 1;
  }
  return buckets;
}

export type RiskCode = 'inactive' | 'low-grade' | 'behind-schedule';
export interface RiskReason {
  code: RiskCode;
  detail: string;
}

/**
 * Why a student is at risk. Behind-schedule counts the items of modules already due for them
 * (`dueItems`, from the module schedules course-service publishes) and how many of those they
 * completed; a course without dated modules has nothing due.
 */
export function riskReasons(
  student: {
    lastActivityAt: Date | null;
    enrolledAt: Date;
    gradeAverage: number | null;
    dueItems: number;
    dueCompleted: number;
  },
  settings: { inactiveDays: number; lowGradePercent: number },
  now: Date,
): RiskReason[] {
  const reasons: RiskReason[] = [];
  const since = student.lastActivityAt ?? student.enrolledAt;
  const idleDays = Math.floor((now.getTime() - since.getTime()) / 86400_000);
  if (idleDays >= settings.inactiveDays)
    reasons.push({
      code: 'inactive',
      detail: student.lastActivityAt
        ? `no activity for ${idleDays} days`
        : `no activity since enrolment ${idleDays} days ago`,
    });
  if (student.gradeAverage !== null && student.gradeAverage < settings.lowGradePercent)
    reasons.push({
      code: 'low-grade',
      detail: `grade average ${student.gradeAverage.toFixed(1)} % is under ${settings.lowGradePercent} %`,
    });
  if (student.dueCompleted < student.dueItems)
    reasons.push({
      code: 'behind-schedule',
      detail: `${student.dueCompleted} of ${student.dueItems} items due by now completed`,
    });
  return reasons;
}
