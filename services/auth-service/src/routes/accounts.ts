import { requireUser, type ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import {
  acceptInvitation,
  register,
  requestPasswordReset,
  resendVerification,
  resetPassword,
  verifyEmail,
} from '../domain/accounts.ts';
import { Email, errors, meta, Password, Slug, TokenResponse, User } from './schemas.ts';
import type { RouteOptions } from './sessions.ts';

const OneTimeToken = Type.String({ minLength: 20, maxLength: 200 });

/** Registration, email verification, password reset and accepting an invitation. */
export async function accountRoutes(app: ServiceApp, { ctx, rateLimit }: RouteOptions): Promise<void> {
  app.post(
    '/signup',
    {
      config: { rateLimit },
      schema: {
        summary: "Register a student account, where the tenant's settings allow self-registration",
        body: Type.Object(
          {
            tenant: Slug,
            email: Email,
            password: Password,
            display_name: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: User, ...errors(400, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => reply.status(201).send(await register(ctx, request.body, meta(request))),
  );

  app.post(
    '/verify',
    {
      config: { rateLimit },
      schema: {
        summary: 'Verify an email address with the token from the verification mail',
        body: Type.Object({ token: OneTimeToken }, { additionalProperties: false }),
        response: { 200: User, ...errors(400, 429) },
      },
    },
    async (request) => verifyEmail(ctx, request.body.token, meta(request)),
  );

  app.post(
    '/verify/resend',
    {
      config: { rateLimit },
      schema: {
        summary: 'Send the verification mail again',
        security: [{ bearerAuth: [] }],
        response: { 202: Type.Null(), ...errors(401, 429) },
      },
    },
    async (request, reply) => {
      const claims = await requireUser(request);
      await resendVerification(ctx, claims.app_metadata.tenant_id, claims.sub);
      return reply.status(202).send(null);
    },
  );

  app.post(
    '/recover',
    {
      config: { rateLimit },
      schema: {
        summary: 'Request a password reset mail (answers the same whether or not the account exists)',
        body: Type.Object({ tenant: Slug, email: Email }, { additionalProperties: false }),
        response: { 202: Type.Null(), ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      await requestPasswordReset(ctx, request.body, meta(request));
      return reply.status(202).send(null);
    },
  );

  app.post(
    '/password-reset',
    {
      config: { rateLimit },
      schema: {
        summary: 'Choose a new password with the token from the reset mail; ends every session',
        body: Type.Object({ token: OneTimeToken, password: Password }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      await resetPassword(ctx, request.body, meta(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/invitations/accept',
    {
      config: { rateLimit },
      schema: {
        summary: 'Accept an invitation: choose a password and sign in',
        body: Type.Object({ token: OneTimeToken, password: Password }, { additionalProperties: false }),
        response: { 200: TokenResponse, ...errors(400, 403, 429) },
      },
    },
    async (request) => acceptInvitation(ctx, request.body, meta(request)),
  );
}
