import { bearerToken, requireUser } from '@eduspry/common';
import type { FastifyRequest } from 'fastify';
import type { Caller } from '../domain/context.ts';

/** The verified caller of a route (401 without a valid token), with the token to forward. */
export async function callerOf(request: FastifyRequest): Promise<Caller> {
  const claims = await requireUser(request);
  return { claims, token: bearerToken(request.headers.authorization)! };
}
