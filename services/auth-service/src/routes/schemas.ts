import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { RequestMeta } from '../domain/context.ts';
import { problems } from '../problems.ts';

export const Slug = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 1, maxLength: 63 });
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Password = Type.String({ minLength: 1, maxLength: 1024 });
export const Uuid = Type.String({ format: 'uuid' });
export const RoleName = Type.Union([
  Type.Literal('student'),
  Type.Literal('instructor'),
  Type.Literal('tenant_admin'),
  Type.Literal('super_admin'),
]);
export const Roles = Type.Array(RoleName, { minItems: 1, maxItems: 4, uniqueItems: true });
export const Problem = Type.Ref('Problem');

/** A user in GoTrue's wire shape (`/user`, `/signup`, token responses): snake_case, so Supabase clients work. */
export const User = Type.Object({
  id: Type.String(),
  tenant_id: Type.String(),
  email: Type.String(),
  display_name: Type.String(),
  roles: Type.Array(Type.String()),
  status: Type.String(),
  email_verified: Type.Boolean(),
  created_at: Type.String(),
});

/** A user as EduSpry's own APIs (`/tenants/:tenantId/users…`) show it: camelCase, like every EduSpry API. */
export const TenantUser = Type.Object({
  id: Type.String(),
  tenantId: Type.String(),
  email: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
  status: Type.String(),
  emailVerified: Type.Boolean(),
  createdAt: Type.String(),
});

export const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer(),
  expires_at: Type.Integer(),
  refresh_token: Type.String(),
  user: User,
});

export const Page = {
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
};

export { errors } from '@eduspry/common';

export function meta(request: FastifyRequest): RequestMeta {
  return { ip: request.clientIp, userAgent: request.headers['user-agent'] };
}

/** A 400 naming the field, for fields one grant type needs and another does not. */
export function requiredField<T>(value: T | undefined, field: string): T {
  if (value === undefined || value === null || value === '')
    throw problems.create('validation', `${field} is required`, { field });
  return value;
}
