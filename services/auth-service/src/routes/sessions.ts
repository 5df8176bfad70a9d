import { requireUser, type ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import type { AuthContext } from '../domain/context.ts';
import {
  currentUser,
  endOwnSession,
  listSessions,
  refreshSession,
  signInWithPassword,
  signOut,
} from '../domain/sessions.ts';
import { publicUser } from '../domain/tokens.ts';
import { Email, errors, meta, Password, requiredField, Slug, TokenResponse, User, Uuid } from './schemas.ts';

export interface RouteOptions {
  ctx: AuthContext;
  /** @fastify/rate-limit options for sign-in, registration and reset (per IP). */
  rateLimit: { max: number; timeWindow: number };
}

/** Sign-in and refresh (OAuth 2.0 token endpoint shape, as Supabase's), sign-out, sessions. */
export async function sessionRoutes(app: ServiceApp, { ctx, rateLimit }: RouteOptions): Promise<void> {
  app.post(
    '/token',
    {
      config: { rateLimit },
      schema: {
        summary: 'Sign in with a password, or exchange a refresh token (rotated on every use)',
        querystring: Type.Object({
          grant_type: Type.Union([Type.Literal('password'), Type.Literal('refresh_token')]),
        }),
        body: Type.Object(
          {
            tenant: Type.Optional(Slug),
            email: Type.Optional(Email),
            password: Type.Optional(Password),
            refresh_token: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: TokenResponse, ...errors(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const body = request.body;
      if (request.query.grant_type === 'refresh_token')
        return refreshSession(ctx, requiredField(body.refresh_token, 'body.refresh_token'), meta(request));
      return signInWithPassword(
        ctx,
        {
          tenant: requiredField(body.tenant, 'body.tenant'),
          email: requiredField(body.email, 'body.email'),
          password: requiredField(body.password, 'body.password'),
        },
        meta(request),
      );
    },
  );

  app.post(
    '/logout',
    {
      schema: {
        summary: 'Sign out: this session (local), every session (global), or all others (others)',
        security: [{ bearerAuth: [] }],
        querystring: Type.Object({
          scope: Type.Union([Type.Literal('local'), Type.Literal('global'), Type.Literal('others')], {
            default: 'local',
          }),
        }),
        response: { 204: Type.Null(), ...errors(401) },
      },
    },
    async (request, reply) => {
      const claims = await requireUser(request);
      await signOut(ctx, claims, request.query.scope, meta(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/sessions',
    {
      schema: {
        summary: "The signed-in user's live sessions",
        security: [{ bearerAuth: [] }],
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                provider: Type.String(),
                user_agent: Type.Union([Type.String(), Type.Null()]),
                ip: Type.Union([Type.String(), Type.Null()]),
                created_at: Type.String(),
                last_refreshed_at: Type.Union([Type.String(), Type.Null()]),
                expires_at: Type.String(),
                current: Type.Boolean(),
              }),
            ),
          }),
          ...errors(401),
        },
      },
    },
    async (request) => ({ items: await listSessions(ctx, await requireUser(request)) }),
  );

  app.delete(
    '/sessions/:id',
    {
      schema: {
        summary: 'End one of your sessions',
        security: [{ bearerAuth: [] }],
        params: Type.Object({ id: Uuid }),
        response: { 204: Type.Null(), ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      await endOwnSession(ctx, await requireUser(request), request.params.id, meta(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/user',
    {
      schema: {
        summary: 'The signed-in user',
        security: [{ bearerAuth: [] }],
        response: { 200: User, ...errors(401) },
      },
    },
    async (request) => publicUser(await currentUser(ctx, await requireUser(request))),
  );
}
