import { isLockReason, isUuid, LOCK_EXPLANATIONS } from '@eduspry/contracts';
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import type { IResolvers, MercuriusLoaders } from 'mercurius';
import mercurius from 'mercurius';
import { type GatewayContext, requireClaims } from './context.ts';
import type {
  Progress,
  UpstreamAttempt,
  UpstreamCourse,
  UpstreamCoursePage,
  UpstreamCreatedCourse,
  UpstreamCreatedModule,
  UpstreamEnrollment,
  UpstreamGradebook,
  UpstreamInvitation,
  UpstreamItem,
  UpstreamLiveQuiz,
  UpstreamModule,
  UpstreamMyGrades,
  UpstreamMyQuiz,
  UpstreamProgressPage,
  UpstreamSavedAnswer,
  UpstreamStartedAttempt,
  UpstreamSubmittedAttempt,
  UpstreamUpdatedCourse,
  UpstreamUpdatedModule,
  UpstreamUserPage,
} from './upstream-types.ts';

const query = (params: Record<string, string | number | boolean | undefined | null | string[]>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    for (const one of Array.isArray(value) ? value : [value]) search.append(key, String(one));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
};
const id = (value: string) => encodeURIComponent(value);
const clamp = (value: number | undefined, max: number, fallback: number) =>
  Math.max(1, Math.min(max, value ?? fallback));

const toCourse = (course: UpstreamCourse) => ({
  ...course,
  myEnrollment: course.myEnrollment ? { ...course.myEnrollment, courseId: course.id } : null,
});

const toModule = (module: UpstreamModule) => {
  const locked = !module.access.allowed;
  return {
    ...module,
    locked,
    lockReason: locked ? module.access.reason : null,
    lockExplanation: locked
      ? isLockReason(module.access.reason)
        ? LOCK_EXPLANATIONS[module.access.reason]
        : `Locked (${module.access.reason})`
      : null,
  };
};

const { ErrorWithProps } = mercurius;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `from`/`to` as analytics-service takes them (YYYY-MM-DD; the service defaults them and checks
 * the range); a value that cannot be a day is refused here, before any upstream call.
 */
function reportRange(args: Args): string {
  for (const key of ['from', 'to'] as const) {
    const value = args[key];
    if (value !== undefined && value !== null && (typeof value !== 'string' || !DAY.test(value)))
      throw new ErrorWithProps(`${key} must be a day (YYYY-MM-DD)`, { code: 'BAD_USER_INPUT', field: key });
  }
  return query({ from: args.from as string | undefined, to: args.to as string | undefined });
}

/** One report from analytics-service through the per-request loader (an identical ask is one call). */
async function report(ctx: GatewayContext, path: string): Promise<unknown> {
  requireClaims(ctx);
  return ctx.loaders.report.load(path);
}

/** A uuid argument, encoded for a path; anything else is BAD_USER_INPUT before any call. */
function uuidArg(args: Args, key: string): string {
  const value = args[key];
  if (typeof value !== 'string' || !isUuid(value))
    throw new ErrorWithProps(`${key} must be a uuid`, { code: 'BAD_USER_INPUT', field: key });
  return id(value);
}

/** `course` on a report row: batched with every other course lookup of the query. */
const reportCourse = async (parent: { courseId: string }, _args: Args, ctx: GatewayContext) => {
  requireClaims(ctx);
  const course = (await ctx.loaders.course.load(parent.courseId)) as UpstreamCourse | null;
  return course ? toCourse(course) : null;
};

type Args = Record<string, unknown>;
type Resolver = (parent: unknown, args: Args, ctx: GatewayContext) => unknown;

/** A literal written in the query itself (`answer: {choice: "x"}`) as the JSON value it spells. */
function literalJson(node: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (node.kind) {
    case Kind.NULL:
      return null;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.LIST:
      return node.values.map((value) => literalJson(value, variables));
    case Kind.OBJECT:
      return Object.fromEntries(
        node.fields.map((field) => [field.name.value, literalJson(field.value, variables)]),
      );
    case Kind.VARIABLE:
      return variables?.[node.name.value] ?? null;
  }
}

/** Any JSON value, passed through as it is (assessment-service validates answers per question type). */
const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (node, variables) => literalJson(node, variables),
});

/** An answer's JSON over this many bytes is refused before any call (assessment-service's body limit). */
export const MAX_ANSWER_BYTES = 512 * 1024;

export const resolvers: IResolvers = {
  Query: {
    me: ((_parent, _args, ctx) => {
      const claims = requireClaims(ctx);
      const meta = claims.app_metadata as typeof claims.app_metadata & { tenant_slug?: string };
      const user = claims as typeof claims & { email?: string; user_metadata?: { display_name?: string } };
      return {
        id: claims.sub,
        email: user.email ?? null,
        displayName: user.user_metadata?.display_name ?? null,
        tenantId: meta.tenant_id,
        tenantSlug: meta.tenant_slug ?? null,
        roles: meta.roles,
      };
    }) satisfies Resolver,
    courses: (async (_parent, args, ctx) => {
      requireClaims(ctx);
      const page = await ctx.services.course.get<UpstreamCoursePage>(
        `/courses${query({
          q: (args.search as string | undefined)?.trim() || undefined,
          enrolled: args.enrolled as boolean | undefined,
          limit: clamp(args.first as number | undefined, 100, 20),
          cursor: args.after as string | undefined,
        })}`,
      );
      return { items: page.items.map(toCourse), nextCursor: page.nextCursor };
    }) satisfies Resolver,
    course: (async (_parent, args, ctx) => {
      requireClaims(ctx);
      const course = (await ctx.loaders.course.load(args.id as string)) as UpstreamCourse | null;
      return course ? toCourse(course) : null;
    }) satisfies Resolver,
    item: (async (_parent, args, ctx) => {
      requireClaims(ctx);
      return ctx.services.course.get(
        `/courses/${id(args.courseId as string)}/items/${id(args.itemId as string)}`,
      );
    }) satisfies Resolver,
    users: (async (_parent, args, ctx) => {
      const claims = requireClaims(ctx);
      const page = await ctx.services.auth.get<UpstreamUserPage>(
        `/tenants/${id(claims.app_metadata.tenant_id)}/users${query({
          q: (args.search as string | undefined)?.trim() || undefined,
          limit: clamp(args.first as number | undefined, 100, 50),
          offset: Math.max(0, (args.offset as number | undefined) ?? 0),
        })}`,
      );
      return { items: page.items, total: page.total };
    }) satisfies Resolver,
    tenantReport: (async (_parent, args, ctx) =>
      report(ctx, `/reports/tenant${reportRange(args)}`)) satisfies Resolver,
    courseReport: (async (_parent, args, ctx) =>
      report(ctx, `/reports/courses/${uuidArg(args, 'courseId')}${reportRange(args)}`)) satisfies Resolver,
    studentReport: (async (_parent, args, ctx) =>
      report(ctx, `/reports/students/${uuidArg(args, 'userId')}${reportRange(args)}`)) satisfies Resolver,
    attempt: (async (_parent, args, ctx) => {
      requireClaims(ctx);
      return ctx.services.assessment.get<UpstreamAttempt>(`/attempts/${uuidArg(args, 'id')}`);
    }) satisfies Resolver,
  },
  JSON: JSONScalar,
  ItemContent: {
    quiz: (async (parent, _args, ctx) => {
      requireClaims(ctx);
      const item = parent as { kind?: string; assessmentId?: string | null };
      if (item.kind !== 'assessment' || !item.assessmentId) return null;
      return (await ctx.loaders.quiz.load(item.assessmentId)) as UpstreamMyQuiz | null;
    }) satisfies Resolver,
    file: (async (parent, _args, ctx) => {
      requireClaims(ctx);
      const item = parent as { kind?: string; fileId?: string | null };
      if (item.kind !== 'file' || !item.fileId) return null;
      return ctx.loaders.file.load(item.fileId);
    }) satisfies Resolver,
  },
  // content-service's file as it is; `size` is its `sizeBytes`.
  CourseFile: { size: ((parent) => (parent as { sizeBytes: number }).sizeBytes) satisfies Resolver },
  // assessment-service's quiz as it is; `myAttempts` is its `attempts`.
  Quiz: {
    myAttempts: ((parent) => (parent as UpstreamMyQuiz).attempts) satisfies Resolver,
    // Staff only, as assessment-service decides: a student of the course is FORBIDDEN.
    live: (async (parent, _args, ctx) => {
      requireClaims(ctx);
      return ctx.services.assessment.get<UpstreamLiveQuiz>(
        `/quizzes/${id((parent as UpstreamMyQuiz).id)}/live`,
      );
    }) satisfies Resolver,
  },
  // assessment-service's item result as it is; `quizId` is its `itemId`.
  QuizGrade: { quizId: ((parent) => (parent as { itemId: string }).itemId) satisfies Resolver },
  CourseActivity: { course: reportCourse },
  CourseReport: { course: reportCourse },
  StudentCourseActivity: { course: reportCourse },
  Viewer: {
    courses: (async (_parent, args, ctx) => {
      requireClaims(ctx);
      const page = await ctx.services.course.get<UpstreamCoursePage>(
        `/courses${query({ enrolled: true, limit: clamp(args.first as number | undefined, 100, 50) })}`,
      );
      return page.items.map(toCourse);
    }) satisfies Resolver,
  },
  Mutation: {
    enroll: (async (_parent, args, ctx) => {
      requireClaims(ctx);
      return ctx.services.course.send('POST', `/courses/${id(args.courseId as string)}/enrollments`, {});
    }) satisfies Resolver,
    createCourse: (async (_parent, args, ctx) => {
      requireClaims(ctx);
      const input = args.input as Record<string, unknown>;
      const body = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null));
      return toCourse(await ctx.services.course.send<UpstreamCreatedCourse>('POST', '/courses', body));
    }) satisfies Resolver,
    setCourseState: (async (_parent, args, ctx) => {
      requireClaims(ctx);
      return toCourse(
        await ctx.services.course.send<UpstreamUpdatedCourse>(
          'PATCH',
          `/courses/${id(args.courseId as string)}`,
          {
            state: args.state,
          },
        ),
      );
    }) satisfies Resolver,
    addModule: (async (_parent, args, ctx) => {
      requireClaims(ctx);
      return toModule(
        await ctx.services.course.send<UpstreamCreatedModule>(
          'POST',
          `/courses/${id(args.courseId as string)}/modules`,
          {
            title: args.title,
            published: args.published ?? false,
          },
        ),
      );
    }) satisfies Resolver,
    setModulePublished: (async (_parent, args, ctx) => {
      requireClaims(ctx);
      return toModule(
        await ctx.services.course.send<UpstreamUpdatedModule>(
          'PATCH',
          `/courses/${id(args.courseId as string)}/modules/${id(args.moduleId as string)}`,
          { published: args.published },
        ),
      );
    }) satisfies Resolver,
    addItem: (async (_parent, args, ctx) => {
      requireClaims(ctx);
      const input = args.input as Record<string, unknown>;
      const body = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null));
      const courseId = id(args.courseId as string);
      const item = await ctx.services.course.send<{ id: string; fileId?: string | null }>(
        'POST',
        `/courses/${courseId}/modules/${id(args.moduleId as string)}/items`,
        body,
      );
      if (!item.fileId) return item;
      // The file was uploaded before its item existed: attach it, so the item's lock decides who
      // reads it and deleting the item deletes it. If that fails the item goes again, so no item
      // points at a file that is open to the whole course.
      try {
        await ctx.services.content.send('PUT', `/files/${id(item.fileId)}/item`, { itemId: item.id });
      } catch (error) {
        await ctx.services.course.send('DELETE', `/courses/${courseId}/items/${id(item.id)}`).catch(() => {});
        throw error;
      }
      return item;
    }) satisfies Resolver,
    completeItem: (async (_parent, args, ctx) => {
      requireClaims(ctx);
      await ctx.services.course.send(
        'PUT',
        `/courses/${id(args.courseId as string)}/items/${id(args.itemId as string)}/completion`,
      );
      return true;
    }) satisfies Resolver,
    inviteUser: (async (_parent, args, ctx) => {
      const claims = requireClaims(ctx);
      return ctx.services.auth.send<UpstreamInvitation>(
        'POST',
        `/tenants/${id(claims.app_metadata.tenant_id)}/invitations`,
        { email: args.email, displayName: args.displayName, roles: args.roles ?? ['student'] },
      );
    }) satisfies Resolver,
    startAttempt: (async (_parent, args, ctx) => {
      requireClaims(ctx);
      const courseId = uuidArg(args, 'courseId');
      const itemId = uuidArg(args, 'itemId');
      // The item says which quiz it holds; a locked one is LOCKED here, before assessment-service.
      const item = await ctx.services.course.get<UpstreamItem>(`/courses/${courseId}/items/${itemId}`);
      if (item.kind !== 'assessment' || !item.assessmentId)
        throw new ErrorWithProps('This item is not a quiz', { code: 'BAD_USER_INPUT', field: 'itemId' });
      const accessCode = typeof args.accessCode === 'string' ? args.accessCode : undefined;
      return ctx.services.assessment.send<UpstreamStartedAttempt>(
        'POST',
        `/quizzes/${id(item.assessmentId)}/attempts`,
        accessCode === undefined ? {} : { accessCode },
      );
    }) satisfies Resolver,
    saveAnswer: (async (_parent, args, ctx) => {
      requireClaims(ctx);
      const attemptId = uuidArg(args, 'attemptId');
      const position = args.position as number;
      if (!Number.isInteger(position) || position < 0 || position > 10_000)
        throw new ErrorWithProps('position must be a question position of the attempt', {
          code: 'BAD_USER_INPUT',
          field: 'position',
        });
      const answer = args.answer ?? null;
      if (Buffer.byteLength(JSON.stringify(answer)) > MAX_ANSWER_BYTES)
        throw new ErrorWithProps(`The answer is over ${MAX_ANSWER_BYTES / 1024} KiB`, {
          code: 'PAYLOAD_TOO_LARGE',
          field: 'answer',
        });
      return ctx.services.assessment.send<UpstreamSavedAnswer>(
        'PUT',
        `/attempts/${attemptId}/answers/${position}`,
        { answer },
      );
    }) satisfies Resolver,
    submitAttempt: (async (_parent, args, ctx) => {
      requireClaims(ctx);
      return ctx.services.assessment.send<UpstreamSubmittedAttempt>(
        'POST',
        `/attempts/${uuidArg(args, 'attemptId')}/submit`,
      );
    }) satisfies Resolver,
  },
} as IResolvers;

type Query<P> = { obj: P; params: Args };

/**
 * One upstream call per distinct course of a batch (aliases of one course are one call); a
 * course whose call fails gets that error alone.
 */
async function perCourse(
  queries: Query<{ id: string }>[],
  fetchOne: (courseId: string) => Promise<unknown>,
): Promise<unknown[]> {
  const calls = new Map<string, Promise<unknown>>();
  for (const q of queries)
    if (!calls.has(q.obj.id))
      calls.set(
        q.obj.id,
        fetchOne(q.obj.id).catch((error: Error) => error),
      );
  return Promise.all(queries.map((q) => calls.get(q.obj.id)));
}

/**
 * Per-request batching: every Course.progress in one query becomes one call to course-service's
 * GET /progress, whatever the number of courses; modules and rosters are deduplicated per course.
 */
export const loaders: MercuriusLoaders = {
  Enrollment: {
    course: async (queries: Query<{ courseId: string }>[], ctx: GatewayContext) => {
      requireClaims(ctx);
      const courses = (await ctx.loaders.course.loadMany(queries.map((q) => q.obj.courseId))) as (
        | UpstreamCourse
        | null
        | Error
      )[];
      return courses.map((course) => {
        if (course instanceof Error) throw course;
        return course ? toCourse(course) : null;
      });
    },
  },
  Course: {
    progress: async (queries: Query<{ id: string }>[], ctx: GatewayContext) => {
      requireClaims(ctx);
      const ids = [...new Set(queries.map((q) => q.obj.id))];
      const byCourse = new Map<string, Progress | null>();
      // course-service takes up to 100 ids per call.
      for (let start = 0; start < ids.length; start += 100) {
        const answer = await ctx.services.course.get<UpstreamProgressPage>(
          `/progress${query({ courseIds: ids.slice(start, start + 100) })}`,
        );
        for (const item of answer.items) byCourse.set(item.courseId, item.progress);
      }
      return queries.map((q) => byCourse.get(q.obj.id) ?? null);
    },
    modules: async (queries: Query<{ id: string }>[], ctx: GatewayContext) => {
      requireClaims(ctx);
      return perCourse(queries, async (courseId) =>
        (await ctx.services.course.get<UpstreamModule[]>(`/courses/${id(courseId)}/modules`)).map(toModule),
      );
    },
    roster: async (queries: Query<{ id: string }>[], ctx: GatewayContext) => {
      requireClaims(ctx);
      return perCourse(queries, (courseId) =>
        ctx.services.course.get<UpstreamEnrollment[]>(`/courses/${id(courseId)}/enrollments`),
      );
    },
    // Staff only, as assessment-service decides: a student is FORBIDDEN here and the course's
    // other fields still resolve (each course's answer, or its error, is its own).
    gradebook: async (queries: Query<{ id: string }>[], ctx: GatewayContext) => {
      requireClaims(ctx);
      return perCourse(queries, (courseId) =>
        ctx.services.assessment.get<UpstreamGradebook>(`/courses/${id(courseId)}/gradebook`),
      );
    },
    // The viewer's own row, as a gradebook of one, so a page shows both alike.
    myGrades: async (queries: Query<{ id: string }>[], ctx: GatewayContext) => {
      requireClaims(ctx);
      return perCourse(queries, async (courseId) => {
        const mine = await ctx.services.assessment.get<UpstreamMyGrades>(
          `/courses/${id(courseId)}/gradebook/me`,
        );
        const { quizzes, userId, percent, letter, items } = mine;
        return { courseId, quizzes, students: [{ userId, percent, letter, items }] };
      });
    },
  },
} as MercuriusLoaders;
