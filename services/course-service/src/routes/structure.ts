import {
  badRequest,
  conflict,
  HttpProblem,
  notFound,
  type ServiceApp,
  type TenantClaims,
  type Tx,
  withTenant,
} from '@eduspry/common';
import { Type } from 'typebox';
import type { CourseRow } from '../db/courses.ts';
import {
  completedItemIds,
  findItem,
  findModule,
  insertItem,
  insertModule,
  insertSection,
  listItems,
  listModules,
  listSections,
  reorder,
  updateItem,
  updateModule,
  updateSection,
} from '../db/modules.ts';
import { type ModuleView, modulesFor } from '../domain/access.ts';
import { isCourseStaff } from '../domain/rules.ts';
import {
  assertStaff,
  CourseParams,
  claimsOf,
  DateOnly,
  DateTime,
  errors,
  membershipOf,
  type RouteDeps,
  security,
  Uuid,
  visibleCourse,
} from './context.ts';

const Title = Type.String({ minLength: 1, maxLength: 200 });
const Timestamp = Type.String({ format: 'date-time' });
const Kind = Type.Union([
  Type.Literal('page'),
  Type.Literal('file'),
  Type.Literal('link'),
  Type.Literal('assessment'),
]);
const HttpUrl = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 });

const Section = Type.Object({
  id: Uuid,
  courseId: Uuid,
  name: Type.String(),
  startsOn: Type.Union([DateOnly, Type.Null()]),
  endsOn: Type.Union([DateOnly, Type.Null()]),
  instructorIds: Type.Array(Uuid),
});
const SectionFields = {
  startsOn: Type.Optional(Type.Union([DateOnly, Type.Null()])),
  endsOn: Type.Optional(Type.Union([DateOnly, Type.Null()])),
  instructorIds: Type.Optional(Type.Array(Uuid, { maxItems: 50, uniqueItems: true })),
};

const ItemSummary = Type.Object({
  id: Uuid,
  moduleId: Uuid,
  position: Type.Integer(),
  kind: Kind,
  title: Type.String(),
  published: Type.Boolean(),
  completed: Type.Boolean(),
});
const Item = Type.Object({
  ...ItemSummary.properties,
  body: Type.Union([Type.String(), Type.Null()]),
  url: Type.Union([Type.String(), Type.Null()]),
  fileId: Type.Union([Uuid, Type.Null()]),
  assessmentId: Type.Union([Uuid, Type.Null()]),
});
const Access = Type.Object({ allowed: Type.Boolean(), reason: Type.String() });
const Progress = Type.Object({ completed: Type.Integer(), total: Type.Integer(), percent: Type.Integer() });
const Module = Type.Object({
  id: Uuid,
  courseId: Uuid,
  position: Type.Integer(),
  title: Type.String(),
  published: Type.Boolean(),
  unlockAt: Type.Union([DateTime, Type.Null()]),
  requiresModuleId: Type.Union([Uuid, Type.Null()]),
  access: Access,
  progress: Progress,
  items: Type.Array(ItemSummary),
});

const ModuleParams = Type.Object({ courseId: Uuid, moduleId: Uuid });
const ItemParams = Type.Object({ courseId: Uuid, itemId: Uuid });
const Order = (name: string) =>
  Type.Object(
    { [name]: Type.Array(Uuid, { minItems: 1, maxItems: 500, uniqueItems: true }) },
    {
      additionalProperties: false,
    },
  );

export const moduleLocked = (reason: string) =>
  new HttpProblem(403, 'module-locked', 'Locked', `This content is not open to you yet (${reason})`, {
    reason,
  });

/** Modules with their items as the caller experiences them; non-staff never see unpublished ones. */
async function moduleViews(tx: Tx, claims: TenantClaims, course: CourseRow) {
  const membership = membershipOf(course);
  const staff = isCourseStaff(claims, membership);
  const modules = await modulesFor(tx, claims, course, membership);
  const items = await listItems(tx, course.id);
  const done = await completedItemIds(tx, course.id, claims.sub);
  return modules
    .filter((module) => staff || module.published)
    .map((module: ModuleView) => ({
      ...module,
      items: items
        .filter((item) => item.moduleId === module.id && (staff || item.published))
        .map((item) => ({ ...item, completed: done.has(item.id) })),
    }));
}

export async function structureRoutes(app: ServiceApp, { sql }: RouteDeps): Promise<void> {
  // Sections
  app.get(
    '/courses/:courseId/sections',
    {
      schema: {
        summary: 'Sections (cohorts) of a course',
        security,
        params: CourseParams,
        response: { 200: Type.Array(Section), ...errors },
      },
    },
    async (request) =>
      withTenant(sql, claimsOf(request), async (tx) => {
        const course = await visibleCourse(tx, claimsOf(request), request.params.courseId);
        return listSections(tx, course.id);
      }),
  );
  app.post(
    '/courses/:courseId/sections',
    {
      schema: {
        summary: 'Add a section with its own dates and instructors',
        security,
        params: CourseParams,
        body: Type.Object({ name: Title, ...SectionFields }, { additionalProperties: false }),
        response: { 201: Section, ...errors },
      },
    },
    async (request, reply) => {
      const { body } = request;
      if (body.startsOn && body.endsOn && body.endsOn < body.startsOn)
        throw badRequest('endsOn must not be before startsOn');
      const section = await withTenant(sql, claimsOf(request), async (tx) => {
        const course = await visibleCourse(tx, claimsOf(request), request.params.courseId);
        assertStaff(claimsOf(request), course);
        const row = await insertSection(tx, {
          tenantId: claimsOf(request).app_metadata.tenant_id,
          courseId: course.id,
          name: body.name,
          startsOn: body.startsOn ?? null,
          endsOn: body.endsOn ?? null,
          instructorIds: body.instructorIds ?? [],
        });
        if (!row) throw conflict(`Course already has a section named ${body.name}`);
        return row;
      });
      return reply.status(201).send(section);
    },
  );
  app.patch(
    '/courses/:courseId/sections/:sectionId',
    {
      schema: {
        summary: 'Change a section',
        security,
        params: Type.Object({ courseId: Uuid, sectionId: Uuid }),
        body: Type.Object(
          { name: Type.Optional(Title), ...SectionFields },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Section, ...errors },
      },
    },
    async (request) =>
      withTenant(sql, claimsOf(request), async (tx) => {
        const course = await visibleCourse(tx, claimsOf(request), request.params.courseId);
        assertStaff(claimsOf(request), course);
        const section = await updateSection(tx, course.id, request.params.sectionId, request.body).catch(
          (error) => {
            if (error?.code === '23505') throw conflict('Course already has a section with that name');
            if (error?.code === '23514') throw badRequest('endsOn must not be before startsOn');
            throw error;
          },
        );
        if (!section) throw notFound(`No section ${request.params.sectionId}`);
        return section;
      }),
  );

  // Modules
  app.get(
    '/courses/:courseId/modules',
    {
      schema: {
        summary: 'Ordered modules and items, with lock state and progress for the caller',
        security,
        params: CourseParams,
        response: { 200: Type.Array(Module), ...errors },
      },
    },
    async (request) =>
      withTenant(sql, claimsOf(request), async (tx) =>
        moduleViews(
          tx,
          claimsOf(request),
          await visibleCourse(tx, claimsOf(request), request.params.courseId),
        ),
      ),
  );
  app.get(
    '/courses/:courseId/modules/:moduleId',
    {
      schema: {
        summary: 'Open a module: 403 module-locked while its unlock rules are not met',
        security,
        params: ModuleParams,
        response: { 200: Module, ...errors },
      },
    },
    async (request) =>
      withTenant(sql, claimsOf(request), async (tx) => {
        const course = await visibleCourse(tx, claimsOf(request), request.params.courseId);
        const views = await moduleViews(tx, claimsOf(request), course);
        const module = views.find((view) => view.id === request.params.moduleId);
        if (!module) throw notFound(`No module ${request.params.moduleId}`);
        if (!module.access.allowed) throw moduleLocked(module.access.reason);
        return module;
      }),
  );
  const ModuleFields = {
    published: Type.Optional(Type.Boolean()),
    unlockAt: Type.Optional(Type.Union([Timestamp, Type.Null()])),
    requiresModuleId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  };
  app.post(
    '/courses/:courseId/modules',
    {
      schema: {
        summary: 'Append a module (unpublished unless said otherwise)',
        security,
        params: CourseParams,
        body: Type.Object({ title: Title, ...ModuleFields }, { additionalProperties: false }),
        response: { 201: Module, ...errors },
      },
    },
    async (request, reply) => {
      const module = await withTenant(sql, claimsOf(request), async (tx) => {
        const course = await visibleCourse(tx, claimsOf(request), request.params.courseId, true);
        assertStaff(claimsOf(request), course);
        const { requiresModuleId = null } = request.body;
        if (requiresModuleId && !(await findModule(tx, course.id, requiresModuleId)))
          throw badRequest(`requiresModuleId ${requiresModuleId} is not a module of this course`);
        const row = await insertModule(tx, {
          tenantId: claimsOf(request).app_metadata.tenant_id,
          courseId: course.id,
          title: request.body.title,
          published: request.body.published ?? false,
          unlockAt: request.body.unlockAt ?? null,
          requiresModuleId,
        });
        return (await moduleViews(tx, claimsOf(request), course)).find((view) => view.id === row.id)!;
      });
      return reply.status(201).send(module);
    },
  );
  app.patch(
    '/courses/:courseId/modules/:moduleId',
    {
      schema: {
        summary: 'Rename, publish/unpublish, or change the unlock rules of a module',
        security,
        params: ModuleParams,
        body: Type.Object(
          { title: Type.Optional(Title), ...ModuleFields },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Module, ...errors },
      },
    },
    async (request) =>
      withTenant(sql, claimsOf(request), async (tx) => {
        const course = await visibleCourse(tx, claimsOf(request), request.params.courseId);
        assertStaff(claimsOf(request), course);
        const { moduleId } = request.params;
        if (!(await findModule(tx, course.id, moduleId))) throw notFound(`No module ${moduleId}`);
        const { requiresModuleId } = request.body;
        if (requiresModuleId) {
          if (requiresModuleId === moduleId) throw badRequest('A module cannot require itself');
          if (!(await findModule(tx, course.id, requiresModuleId)))
            throw badRequest(`requiresModuleId ${requiresModuleId} is not a module of this course`);
          if (await createsCycle(tx, course.id, moduleId, requiresModuleId))
            throw badRequest('Unlock rules would form a cycle');
        }
        await updateModule(tx, moduleId, request.body);
        return (await moduleViews(tx, claimsOf(request), course)).find((view) => view.id === moduleId)!;
      }),
  );
  app.put(
    '/courses/:courseId/modules/order',
    {
      schema: {
        summary: 'Reorder modules: list every module id of the course in its new order',
        security,
        params: CourseParams,
        body: Order('moduleIds'),
        response: { 200: Type.Array(Module), ...errors },
      },
    },
    async (request) =>
      withTenant(sql, claimsOf(request), async (tx) => {
        const course = await visibleCourse(tx, claimsOf(request), request.params.courseId, true);
        assertStaff(claimsOf(request), course);
        const ids = request.body.moduleIds as string[];
        assertSameSet(
          ids,
          (await listModules(tx, course.id)).map((m) => m.id),
          'moduleIds',
        );
        await reorder(tx, 'modules', ids);
        return moduleViews(tx, claimsOf(request), course);
      }),
  );

  // Items
  const ItemFields = {
    body: Type.Optional(Type.Union([Type.String({ maxLength: 200000 }), Type.Null()])),
    url: Type.Optional(Type.Union([HttpUrl, Type.Null()])),
    published: Type.Optional(Type.Boolean()),
  };
  app.post(
    '/courses/:courseId/modules/:moduleId/items',
    {
      schema: {
        summary:
          'Append an item to a module: page (body), file (fileId), link (url) or assessment (assessmentId)',
        security,
        params: ModuleParams,
        body: Type.Object(
          {
            kind: Kind,
            title: Title,
            ...ItemFields,
            fileId: Type.Optional(Uuid),
            assessmentId: Type.Optional(Uuid),
          },
          { additionalProperties: false },
        ),
        response: { 201: Item, ...errors },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const required = { link: 'url', file: 'fileId', assessment: 'assessmentId', page: undefined }[
        body.kind
      ];
      if (required && !body[required as 'url' | 'fileId' | 'assessmentId'])
        throw badRequest(`A ${body.kind} item needs ${required}`, { field: `body.${required}` });
      const item = await withTenant(sql, claimsOf(request), async (tx) => {
        const course = await visibleCourse(tx, claimsOf(request), request.params.courseId);
        assertStaff(claimsOf(request), course);
        const module = await findModule(tx, course.id, request.params.moduleId);
        if (!module) throw notFound(`No module ${request.params.moduleId}`);
        return insertItem(tx, {
          tenantId: claimsOf(request).app_metadata.tenant_id,
          courseId: course.id,
          moduleId: module.id,
          kind: body.kind,
          title: body.title,
          body: body.body ?? null,
          url: body.url ?? null,
          fileId: body.fileId ?? null,
          assessmentId: body.assessmentId ?? null,
          published: body.published ?? false,
        });
      });
      return reply.status(201).send({ ...item, completed: false });
    },
  );
  app.put(
    '/courses/:courseId/modules/:moduleId/items/order',
    {
      schema: {
        summary: "Reorder a module's items: list every item id of the module in its new order",
        security,
        params: ModuleParams,
        body: Order('itemIds'),
        response: { 200: Type.Array(ItemSummary), ...errors },
      },
    },
    async (request) =>
      withTenant(sql, claimsOf(request), async (tx) => {
        const course = await visibleCourse(tx, claimsOf(request), request.params.courseId, true);
        assertStaff(claimsOf(request), course);
        const { moduleId } = request.params;
        if (!(await findModule(tx, course.id, moduleId))) throw notFound(`No module ${moduleId}`);
        const ids = request.body.itemIds as string[];
        assertSameSet(
          ids,
          (await listItems(tx, course.id, moduleId)).map((i) => i.id),
          'itemIds',
        );
        await reorder(tx, 'items', ids);
        return (await listItems(tx, course.id, moduleId)).map((item) => ({ ...item, completed: false }));
      }),
  );
  app.patch(
    '/courses/:courseId/items/:itemId',
    {
      schema: {
        summary: 'Rename, publish/unpublish or change the content of an item',
        security,
        params: ItemParams,
        body: Type.Object(
          { title: Type.Optional(Title), ...ItemFields },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Item, ...errors },
      },
    },
    async (request) =>
      withTenant(sql, claimsOf(request), async (tx) => {
        const course = await visibleCourse(tx, claimsOf(request), request.params.courseId);
        assertStaff(claimsOf(request), course);
        const item = await findItem(tx, course.id, request.params.itemId);
        if (!item) throw notFound(`No item ${request.params.itemId}`);
        if (request.body.url === null && item.kind === 'link') throw badRequest('A link item needs url');
        await updateItem(tx, item.id, request.body);
        return { ...(await findItem(tx, course.id, item.id))!, completed: false };
      }),
  );
  app.get(
    '/courses/:courseId/items/:itemId',
    {
      schema: {
        summary: 'Open an item: 403 module-locked while its module is locked or it is unpublished',
        security,
        params: ItemParams,
        response: { 200: Item, ...errors },
      },
    },
    async (request) =>
      withTenant(sql, claimsOf(request), async (tx) => {
        const course = await visibleCourse(tx, claimsOf(request), request.params.courseId);
        const item = await findItem(tx, course.id, request.params.itemId);
        if (!item) throw notFound(`No item ${request.params.itemId}`);
        const views = await moduleViews(tx, claimsOf(request), course);
        const module = views.find((view) => view.id === item.moduleId);
        const staff = module?.access.reason === 'staff';
        if (!staff && (!module || !item.published)) throw notFound(`No item ${request.params.itemId}`);
        if (!module!.access.allowed) throw moduleLocked(module!.access.reason);
        return { ...item, completed: module!.items.some((i) => i.id === item.id && i.completed) };
      }),
  );
}

function assertSameSet(given: string[], existing: string[], field: string): void {
  const known = new Set(existing);
  if (given.length !== known.size || !given.every((id) => known.has(id)))
    throw badRequest(`${field} must list every id exactly once (${known.size} expected)`, {
      field: `body.${field}`,
    });
}

async function createsCycle(tx: Tx, courseId: string, moduleId: string, requires: string): Promise<boolean> {
  const modules = new Map((await listModules(tx, courseId)).map((m) => [m.id, m.requiresModuleId]));
  let current: string | null | undefined = requires;
  for (let steps = 0; current && steps <= modules.size; steps++) {
    if (current === moduleId) return true;
    current = modules.get(current);
  }
  return false;
}
