import { type Static, Type } from 'typebox';
import { MAX_HEARTBEAT_SECONDS, MAX_TRACK_EVENTS, TRACK_TYPES } from '../domain/rules.ts';

/** One schema per shape: these validate requests, serialize replies and become the OpenAPI. */
export const Uuid = Type.String({ format: 'uuid' });
export const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (UTC)' });
const Instant = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
export const security = [{ bearerAuth: [] }];

/** Present only so a body that names an identity gets `forged-identity`, not a generic 400. */
const Forged = Type.Optional(Type.Unknown({ description: 'refused: identity comes from the token' }));

export const TrackEvent = Type.Object(
  {
    id: Uuid,
    type: Type.Union(TRACK_TYPES.map((type) => Type.Literal(type))),
    at: Type.String({ format: 'date-time', description: 'within 24 h in the past and 5 min in the future' }),
    courseId: Type.Optional(Uuid),
    itemId: Type.Optional(Uuid),
    path: Type.Optional(Type.String({ maxLength: 2048 })),
    positionSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 1e7 })),
    seconds: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_HEARTBEAT_SECONDS })),
    tenantId: Forged,
    userId: Forged,
  },
  { additionalProperties: false },
);
export const TrackBody = Type.Object(
  {
    events: Type.Array(TrackEvent, { minItems: 1, maxItems: MAX_TRACK_EVENTS }),
    tenantId: Forged,
    userId: Forged,
  },
  { additionalProperties: false },
);
export type TrackBody = Static<typeof TrackBody>;
export const TrackReply = Type.Object({ accepted: Type.Integer(), duplicates: Type.Integer() });

export const RangeQuery = Type.Object(
  {
    from: Type.Optional(Day),
    to: Type.Optional(Day),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);

const Percent = Type.Union([Type.Number(), Type.Null()]);

export const TenantReport = Type.Object({
  from: Day,
  to: Day,
  activeUsers: Type.Array(Type.Object({ day: Day, count: Type.Integer() })),
  totals: Type.Object({
    users: Type.Integer(),
    activeUsers: Type.Integer(),
    itemsCompleted: Type.Integer(),
    attemptsSubmitted: Type.Integer(),
    minutes: Type.Number(),
  }),
  courses: Type.Array(
    Type.Object({
      courseId: Uuid,
      activeStudents: Type.Integer(),
      completionRate: Type.Number({ description: '0..1' }),
      gradeAverage: Percent,
    }),
  ),
});

export const RiskReason = Type.Object({
  code: Type.Union([Type.Literal('inactive'), Type.Literal('low-grade'), Type.Literal('behind-schedule')]),
  detail: Type.String(),
});

export const CourseReport = Type.Object({
  courseId: Uuid,
  from: Day,
  to: Day,
  engagement: Type.Array(Type.Object({ day: Day, activeStudents: Type.Integer(), minutes: Type.Number() })),
  funnel: Type.Array(
    Type.Object({
      moduleId: Uuid,
      position: Type.Integer(),
      started: Type.Integer(),
      completed: Type.Integer(),
    }),
  ),
  grades: Type.Object({
    average: Percent,
    buckets: Type.Array(Type.Object({ from: Type.Number(), to: Type.Number(), count: Type.Integer() })),
  }),
  atRisk: Type.Array(Type.Object({ userId: Uuid, reasons: Type.Array(RiskReason) })),
  students: Type.Array(
    Type.Object({
      userId: Uuid,
      lastActivityAt: Instant,
      minutes: Type.Number(),
      itemsCompleted: Type.Integer(),
      videosWatched: Type.Integer(),
      gradeAverage: Percent,
    }),
  ),
});

export const StudentReport = Type.Object({
  userId: Uuid,
  from: Day,
  to: Day,
  activity: Type.Array(Type.Object({ day: Day, minutes: Type.Number() })),
  courses: Type.Array(
    Type.Object({
      courseId: Uuid,
      lastActivityAt: Instant,
      minutes: Type.Number(),
      itemsCompleted: Type.Integer(),
      itemsTotal: Type.Integer(),
      videosWatched: Type.Integer(),
      gradeAverage: Percent,
    }),
  ),
});

export const Settings = Type.Object(
  {
    retentionDays: Type.Integer({ minimum: 1, maximum: 3650 }),
    inactiveDays: Type.Integer({ minimum: 1, maximum: 365 }),
    lowGradePercent: Type.Number({ minimum: 0, maximum: 100 }),
    scheduleGraceDays: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 365,
        description:
          'Days after a dated module opens (or the student enrols, if later) before a student who has not completed its items is behind schedule; left out of a PUT, it stays as it was. Default 7.',
      }),
    ),
  },
  { additionalProperties: false },
);
