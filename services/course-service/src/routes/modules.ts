import type { ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import {
  addModule,
  changeModule,
  listCourseModules,
  openModule,
  removeModule,
  reorderModules,
} from '../domain/modules.ts';
import { claimsOf, type RouteDeps } from './context.ts';
import { CourseParams, errors, Module, ModuleParams, Order, security, Title, Uuid } from './schemas.ts';

const ModuleFields = {
  published: Type.Optional(Type.Boolean()),
  unlockAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
  requiresModuleId: Type.Optional(Type.Union([Uuid, Type.Null()])),
};

/** Ordered modules with their lock state and the caller's progress. */
export async function moduleRoutes(app: ServiceApp, ctx: RouteDeps): Promise<void> {
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
    async (request) => listCourseModules(ctx, claimsOf(request), request.params.courseId),
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
    async (request) => openModule(ctx, claimsOf(request), request.params.courseId, request.params.moduleId),
  );
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
    async (request, reply) =>
      reply.status(201).send(await addModule(ctx, claimsOf(request), request.params.courseId, request.body)),
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
    async (request) => changeModule(ctx, claimsOf(request), request.params, request.body),
  );
  app.delete(
    '/courses/:courseId/modules/:moduleId',
    {
      schema: {
        summary:
          'Delete a module with all its items (staff): one course.management.item_deleted per item, so content-service deletes their files',
        security,
        params: ModuleParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await removeModule(ctx, claimsOf(request), request.params);
      return reply.status(204).send(null);
    },
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
      reorderModules(ctx, claimsOf(request), request.params.courseId, request.body.moduleIds as string[]),
  );
}
