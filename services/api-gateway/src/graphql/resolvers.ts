import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { type GatewayContext, requireClaims } from './context.ts';

// Shapes of the upstream answers the resolvers read (course-service and auth-service REST).
interface UpstreamCourse {
  id: string;
  code: string;
  title: string;
  description: string;
  term: string | null;
  state: string;
  startsOn: string | null;
  endsOn: string | null;
  selfEnrollment: boolean;
  capacity: number | null;
  myEnrollment: { role: string; status: string } | null;
}
interface Progress {
  completed: number;
  total: number;
  percent: number;
}
interface UpstreamModule {
  id: string;
  courseId: string;
  position: number;
  title: string;
  published: boolean;
  unlockAt: string | null;
  access: { allowed: boolean; reason: string };
  progress: Progress;
  items: unknown[];
}
interface UpstreamEnrollment {
  courseId: string;
  userId: string;
  role: string;
  status: string;
}
interface UpstreamUser {
  id: string;
  email: string;
  display_name: string;
  roles: string[];
  status: string;
}

/** Why a module is locked, in the words shown to a student. */
export const LOCK_EXPLANATIONS: Record<string, string> = {
  'not-enrolled': 'Enrol in the course to open this module.',
  waitlisted: 'You are on the waitlist; this opens when a seat frees up.',
  'course-not-published': 'The course has not been published yet.',
  'module-not-published': 'Your instructor has not published this module yet.',
  'item-not-published': 'This item has not been published yet.',
  'locked-until-date': 'This module opens on its unlock date.',
  'prerequisite-incomplete': 'Finish the previous module first.',
};

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
      ? (LOCK_EXPLANATIONS[module.access.reason] ?? `Locked (${module.access.reason})`)
      : null,
  };
};

const toUser = (user: UpstreamUser) => ({ ...user, displayName: user.display_name });

type Args = Record<string, unknown>;
type Resolver = (parent: unknown, args: Args, ctx: GatewayContext) => unknown;

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
      const page = await ctx.services.course.get<{ items: UpstreamCourse[]; nextCursor: string | null }>(
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
      try {
        return toCourse(await ctx.services.course.get<UpstreamCourse>(`/courses/${id(args.id as string)}`));
      } catch (error) {
        if ((error as { extensions?: { code?: string } }).extensions?.code === 'NOT_FOUND') return null;
        throw error;
      }
    }) satisfies Resolver,
    item: (async (_parent, args, ctx) => {
      requireClaims(ctx);
      return ctx.services.course.get(
        `/courses/${id(args.courseId as string)}/items/${id(args.itemId as string)}`,
      );
    }) satisfies Resolver,
    users: (async (_parent, args, ctx) => {
      const claims = requireClaims(ctx);
      const page = await ctx.services.auth.get<{ items: UpstreamUser[]; total: number }>(
        `/tenants/${id(claims.app_metadata.tenant_id)}/users${query({
          q: (args.search as string | undefined)?.trim() || undefined,
          limit: clamp(args.first as number | undefined, 100, 50),
          offset: Math.max(0, (args.offset as number | undefined) ?? 0),
        })}`,
      );
      return { items: page.items.map(toUser), total: page.total };
    }) satisfies Resolver,
  },
  Viewer: {
    courses: (async (_parent, args, ctx) => {
      requireClaims(ctx);
      const page = await ctx.services.course.get<{ items: UpstreamCourse[] }>(
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
      return toCourse(await ctx.services.course.send<UpstreamCourse>('POST', '/courses', body));
    }) satisfies Resolver,
    setCourseState: (async (_parent, args, ctx) => {
      requireClaims(ctx);
      return toCourse(
        await ctx.services.course.send<UpstreamCourse>('PATCH', `/courses/${id(args.courseId as string)}`, {
          state: args.state,
        }),
      );
    }) satisfies Resolver,
    addModule: (async (_parent, args, ctx) => {
      requireClaims(ctx);
      return toModule(
        await ctx.services.course.send<UpstreamModule>(
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
        await ctx.services.course.send<UpstreamModule>(
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
      return ctx.services.course.send(
        'POST',
        `/courses/${id(args.courseId as string)}/modules/${id(args.moduleId as string)}/items`,
        body,
      );
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
      return toUser(
        await ctx.services.auth.send<UpstreamUser>(
          'POST',
          `/tenants/${id(claims.app_metadata.tenant_id)}/invitations`,
          { email: args.email, display_name: args.displayName, roles: args.roles ?? ['student'] },
        ),
      );
    }) satisfies Resolver,
  },
} as IResolvers;

type Query<P> = { obj: P; params: Args };

/**
 * Per-request batching: every Course.progress in one query becomes one call to course-service's
 * GET /progress, whatever the number of courses; modules and rosters are deduplicated per course.
 */
export const loaders: MercuriusLoaders = {
  Enrollment: {
    course: async (queries: Query<{ courseId: string }>[], ctx: GatewayContext) => {
      requireClaims(ctx);
      const ids = [...new Set(queries.map((q) => q.obj.courseId))];
      const courses = new Map(
        await Promise.all(
          ids.map(async (courseId) => {
            try {
              return [
                courseId,
                toCourse(await ctx.services.course.get<UpstreamCourse>(`/courses/${id(courseId)}`)),
              ] as const;
            } catch (error) {
              if ((error as { extensions?: { code?: string } }).extensions?.code === 'NOT_FOUND')
                return [courseId, null] as const;
              throw error;
            }
          }),
        ),
      );
      return queries.map((q) => courses.get(q.obj.courseId) ?? null);
    },
  },
  Course: {
    progress: async (queries: Query<{ id: string }>[], ctx: GatewayContext) => {
      requireClaims(ctx);
      const ids = [...new Set(queries.map((q) => q.obj.id))];
      const byCourse = new Map<string, Progress | null>();
      // course-service takes up to 100 ids per call.
      for (let start = 0; start < ids.length; start += 100) {
        const answer = await ctx.services.course.get<{
          items: { courseId: string; progress: Progress | null }[];
        }>(`/progress${query({ courseIds: ids.slice(start, start + 100) })}`);
        for (const item of answer.items) byCourse.set(item.courseId, item.progress);
      }
      return queries.map((q) => byCourse.get(q.obj.id) ?? null);
    },
    modules: async (queries: Query<{ id: string }>[], ctx: GatewayContext) => {
      requireClaims(ctx);
      return Promise.all(
        queries.map(async (q) =>
          (await ctx.services.course.get<UpstreamModule[]>(`/courses/${id(q.obj.id)}/modules`)).map(toModule),
        ),
      );
    },
    roster: async (queries: Query<{ id: string }>[], ctx: GatewayContext) => {
      requireClaims(ctx);
      return Promise.all(
        queries.map((q) =>
          ctx.services.course.get<UpstreamEnrollment[]>(`/courses/${id(q.obj.id)}/enrollments`),
        ),
      );
    },
  },
} as MercuriusLoaders;
