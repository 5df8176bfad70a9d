import { requireUser, type ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import { announce } from '../domain/announcements.ts';
import type { NotificationContext } from '../domain/context.ts';
import {
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  unreadCount,
} from '../domain/inbox.ts';
import { errors, InboxItem, security, Text, Unread, Uuid } from './schemas.ts';

/** The caller's in-app inbox, and course announcements (which fill other users' inboxes). */
export async function inboxRoutes(app: ServiceApp, { ctx }: { ctx: NotificationContext }): Promise<void> {
  app.get(
    '/notifications',
    {
      schema: {
        summary: 'My notifications, newest first, with the unread count',
        security,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          before: Type.Optional(Type.String({ format: 'date-time' })),
          unread: Type.Optional(Type.Boolean()),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(InboxItem),
            unread: Type.Integer(),
            nextBefore: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors(400, 401),
        },
      },
    },
    async (request) => listNotifications(ctx, await requireUser(request), request.query),
  );

  app.get(
    '/notifications/unread-count',
    {
      schema: {
        summary: 'How many of my notifications are unread',
        security,
        response: { 200: Unread, ...errors(401) },
      },
    },
    async (request) => unreadCount(ctx, await requireUser(request)),
  );

  app.post(
    '/notifications/:id/read',
    {
      schema: {
        summary: 'Mark one of my notifications read',
        security,
        params: Type.Object({ id: Uuid }),
        response: { 200: Unread, ...errors(400, 401, 404) },
      },
    },
    async (request) => markNotificationRead(ctx, await requireUser(request), request.params.id),
  );

  app.post(
    '/notifications/read-all',
    {
      schema: {
        summary: 'Mark all my notifications read',
        security,
        response: { 200: Type.Object({ marked: Type.Integer(), unread: Type.Integer() }), ...errors(401) },
      },
    },
    async (request) => markAllNotificationsRead(ctx, await requireUser(request)),
  );

  app.post(
    '/courses/:courseId/announcements',
    {
      schema: {
        summary: "Announce to a course: every member's inbox (and their channels), live",
        security,
        params: Type.Object({ courseId: Uuid }),
        body: Type.Object(
          { title: Text({ minLength: 1, maxLength: 300 }), body: Text({ maxLength: 20000 }) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            id: Uuid,
            courseId: Uuid,
            title: Type.String(),
            recipients: Type.Integer(),
            createdAt: Type.String(),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await announce(ctx, await requireUser(request), request.params.courseId, request.body)),
  );
}
