import { requireUser, type ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import type { AuthContext } from '../domain/context.ts';
import {
  changeRoles,
  deactivateUser,
  endSessionsOfUser,
  getUser,
  inviteUser,
  listUserSessions,
  listUsers,
  reactivateUser,
} from '../domain/users.ts';
import { Email, errors, meta, Page, RoleName, Roles, TenantUser, Uuid } from './schemas.ts';

const TenantParams = Type.Object({ tenantId: Uuid });
const UserParams = Type.Object({ tenantId: Uuid, userId: Uuid });
const security = [{ bearerAuth: [] }];
const UserSession = Type.Object({
  id: Type.String(),
  provider: Type.String(),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  lastUsedAt: Type.String(),
  expiresAt: Type.String(),
});

/** A tenant's users, for its admins (and super_admin). */
export async function userRoutes(app: ServiceApp, { ctx }: { ctx: AuthContext }): Promise<void> {
  app.get(
    '/tenants/:tenantId/users',
    {
      schema: {
        summary: "Search a tenant's users (by email or name), a page at a time",
        security,
        params: TenantParams,
        querystring: Type.Object({
          q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          role: Type.Optional(RoleName),
          status: Type.Optional(
            Type.Union([Type.Literal('invited'), Type.Literal('active'), Type.Literal('deactivated')]),
          ),
          ...Page,
        }),
        response: {
          200: Type.Object({
            items: Type.Array(TenantUser),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => listUsers(ctx, await requireUser(request), request.params.tenantId, request.query),
  );

  app.get(
    '/tenants/:tenantId/users/:userId',
    {
      schema: {
        summary: 'One user of a tenant',
        security,
        params: UserParams,
        response: { 200: TenantUser, ...errors(401, 403, 404) },
      },
    },
    async (request) =>
      getUser(ctx, await requireUser(request), request.params.tenantId, request.params.userId),
  );

  app.post(
    '/tenants/:tenantId/invitations',
    {
      schema: {
        summary: 'Invite someone: creates an invited account and mails a link to choose a password',
        security,
        params: TenantParams,
        body: Type.Object(
          {
            email: Email,
            displayName: Type.String({ minLength: 1, maxLength: 200 }),
            roles: Type.Optional(Roles),
          },
          { additionalProperties: false },
        ),
        response: { 201: TenantUser, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { email, displayName, roles = ['student'] } = request.body;
      const user = await inviteUser(
        ctx,
        await requireUser(request),
        request.params.tenantId,
        { email, displayName, roles },
        meta(request),
      );
      return reply.status(201).send(user);
    },
  );

  app.put(
    '/tenants/:tenantId/users/:userId/roles',
    {
      schema: {
        summary: "Replace a user's roles",
        security,
        params: UserParams,
        body: Type.Object({ roles: Roles }, { additionalProperties: false }),
        response: { 200: TenantUser, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) =>
      changeRoles(
        ctx,
        await requireUser(request),
        request.params.tenantId,
        request.params.userId,
        request.body.roles,
        meta(request),
      ),
  );

  app.post(
    '/tenants/:tenantId/users/:userId/deactivate',
    {
      schema: {
        summary: 'Deactivate a user: they can no longer sign in, and every session ends',
        security,
        params: UserParams,
        response: { 200: TenantUser, ...errors(401, 403, 404) },
      },
    },
    async (request) =>
      deactivateUser(
        ctx,
        await requireUser(request),
        request.params.tenantId,
        request.params.userId,
        meta(request),
      ),
  );

  app.post(
    '/tenants/:tenantId/users/:userId/reactivate',
    {
      schema: {
        summary: 'Reactivate a deactivated user: they may sign in again',
        security,
        params: UserParams,
        response: { 200: TenantUser, ...errors(401, 403, 404) },
      },
    },
    async (request) =>
      reactivateUser(
        ctx,
        await requireUser(request),
        request.params.tenantId,
        request.params.userId,
        meta(request),
      ),
  );

  app.get(
    '/tenants/:tenantId/users/:userId/sessions',
    {
      schema: {
        summary: "A user's live sessions (where they are signed in), newest first",
        security,
        params: UserParams,
        response: { 200: Type.Object({ items: Type.Array(UserSession) }), ...errors(401, 403, 404) },
      },
    },
    async (request) =>
      listUserSessions(ctx, await requireUser(request), request.params.tenantId, request.params.userId),
  );

  app.delete(
    '/tenants/:tenantId/users/:userId/sessions',
    {
      schema: {
        summary: 'Sign a user out everywhere: every live session ends, their tokens stop within seconds',
        security,
        params: UserParams,
        response: { 200: Type.Object({ ended: Type.Integer() }), ...errors(401, 403, 404) },
      },
    },
    async (request) => ({
      ended: await endSessionsOfUser(
        ctx,
        await requireUser(request),
        request.params.tenantId,
        request.params.userId,
        undefined,
        meta(request),
      ),
    }),
  );

  app.delete(
    '/tenants/:tenantId/users/:userId/sessions/:sessionId',
    {
      schema: {
        summary: "End one of a user's sessions: its tokens stop within seconds",
        security,
        params: Type.Object({ tenantId: Uuid, userId: Uuid, sessionId: Uuid }),
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await endSessionsOfUser(
        ctx,
        await requireUser(request),
        request.params.tenantId,
        request.params.userId,
        request.params.sessionId,
        meta(request),
      );
      return reply.status(204).send(null);
    },
  );
}
