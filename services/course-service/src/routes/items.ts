import type { ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import { addItem, changeItem, openItem, removeItem, reorderItems } from '../domain/items.ts';
import { claimsOf, type RouteDeps } from './context.ts';
import {
  errors,
  Item,
  ItemParams,
  ItemSummary,
  Kind,
  ModuleParams,
  Order,
  security,
  Title,
  Uuid,
} from './schemas.ts';

const HttpUrl = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 });
const ItemFields = {
  body: Type.Optional(Type.Union([Type.String({ maxLength: 200000 }), Type.Null()])),
  url: Type.Optional(Type.Union([HttpUrl, Type.Null()])),
  published: Type.Optional(Type.Boolean()),
};

/** Content items of a module: pages, files, links and assessments. */
export async function itemRoutes(app: ServiceApp, ctx: RouteDeps): Promise<void> {
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
    async (request, reply) =>
      reply.status(201).send(await addItem(ctx, claimsOf(request), request.params, request.body)),
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
    async (request) => reorderItems(ctx, claimsOf(request), request.params, request.body.itemIds as string[]),
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
    async (request) => changeItem(ctx, claimsOf(request), request.params, request.body),
  );
  app.delete(
    '/courses/:courseId/items/:itemId',
    {
      schema: {
        summary:
          'Delete an item (staff); its completions go with it and course.management.item_deleted tells content-service to delete its files',
        security,
        params: ItemParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await removeItem(ctx, claimsOf(request), request.params);
      return reply.status(204).send(null);
    },
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
    async (request) => openItem(ctx, claimsOf(request), request.params),
  );
}
