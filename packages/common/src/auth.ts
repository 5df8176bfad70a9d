import { setLogContext } from '@eduspry/logging';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { TenantClaims } from './db.ts';
import { type EndedSessions, processEndedSessions } from './ended-sessions.ts';
import { forbidden, HttpProblem, unauthorized } from './problem.ts';

/**
 * Verifying the platform's access tokens (issued by auth-service) in any service: signature
 * against the JWKS, issuer, audience, expiry, and an allow-list of asymmetric algorithms, so
 * `alg: none` and HMAC tokens signed with a public key are refused. The result is exactly the
 * claims withTenant() runs a transaction under.
 */
export interface TokenVerifierOptions {
  /** auth-service's JWKS, e.g. `${AUTH_SERVICE_URL}/.well-known/jwks.json`. */
  jwksUrl?: string | URL;
  /** Instead of a URL: a key resolver (auth-service verifies its own tokens in-process). */
  getKey?: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  algorithms?: string[];
  /**
   * Least time between two JWKS fetches (default 1 s): a token with an unknown `kid` (a key
   * rotated in since the last fetch) triggers a refetch, at most this often, so made-up kids
   * cannot flood auth-service.
   */
  jwksCooldownMs?: number;
  /** Leeway for clock skew between machines. */
  clockToleranceSeconds?: number;
  /**
   * Sessions whose tokens are refused although unexpired (default: the process's own set, fed by
   * `followEndedSessions` from @eduspry/event-bus).
   */
  endedSessions?: EndedSessions;
  /** Verified tokens kept (default 10,000); 0 verifies every time. */
  cacheSize?: number;
}

export interface TokenVerifier {
  verify(token: string): Promise<TenantClaims>;
}

export const ACCESS_TOKEN_ALGORITHMS = ['EdDSA', 'ES256'];

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const getKey =
    options.getKey ??
    (options.jwksUrl
      ? createRemoteJWKSet(new URL(options.jwksUrl), {
          timeoutDuration: 3000,
          cooldownDuration: options.jwksCooldownMs ?? 1000,
        })
      : undefined);
  if (!getKey) throw new Error('createTokenVerifier needs jwksUrl or getKey');
  const verifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: options.algorithms ?? ACCESS_TOKEN_ALGORITHMS,
    clockTolerance: options.clockToleranceSeconds ?? 5,
    requiredClaims: ['sub', 'exp', 'iat'],
  };
  const ended = options.endedSessions ?? processEndedSessions;
  // Verified tokens by their exact text (signature included) until they expire: a student's
  // autosaves send the same token dozens of times a minute, and checking its ES256 signature each
  // time was a tenth of assessment-service's CPU in the 300-student burst. Only successes are
  // kept; expiry (with the same tolerance as jwtVerify) and ended sessions are checked every time.
  const cacheSize = options.cacheSize ?? 10_000;
  const verified = new Map<string, TenantClaims>();
  const stillValid = (claims: TenantClaims) =>
    typeof claims.exp === 'number' && Date.now() / 1000 < claims.exp + verifyOptions.clockTolerance;
  return {
    async verify(token) {
      let claims = verified.get(token);
      if (claims && !stillValid(claims)) {
        verified.delete(token);
        claims = undefined;
      }
      if (!claims) {
        let payload: JWTPayload;
        try {
          ({ payload } = await jwtVerify(token, getKey, verifyOptions));
        } catch (error) {
          throw toProblem(error);
        }
        claims = toClaims(payload);
        if (cacheSize > 0) {
          if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
          verified.set(token, claims);
        }
      }
      // auth-service names the session in every token (`session_id`): one Map lookup per token.
      const session = claims.session_id;
      if (typeof session === 'string' && ended.has(session)) throw unauthorized('The session has ended');
      return claims;
    },
  };
}

function toProblem(error: unknown): HttpProblem {
  if (error instanceof errors.JWTExpired) return unauthorized('The access token has expired');
  // Not a verdict on the token but on reaching the keys: a timeout, a refused connection, a non-200 JWKS.
  const unreachable =
    error instanceof errors.JWKSTimeout ||
    !(error instanceof errors.JOSEError) ||
    (error as { code?: string }).code === 'ERR_JOSE_GENERIC';
  if (unreachable)
    return new HttpProblem(
      503,
      'auth-unavailable',
      'Service Unavailable',
      'Signing keys could not be fetched',
    );
  return unauthorized('The access token is not valid');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toClaims(payload: JWTPayload): TenantClaims {
  const meta = payload.app_metadata as { tenant_id?: unknown; roles?: unknown } | undefined;
  const valid =
    payload.role === 'authenticated' &&
    typeof payload.sub === 'string' &&
    typeof meta?.tenant_id === 'string' &&
    UUID.test(meta.tenant_id) &&
    Array.isArray(meta.roles) &&
    meta.roles.every((role) => typeof role === 'string');
  if (!valid) throw unauthorized('The access token lacks the platform claims');
  return payload as TenantClaims;
}

/** The token of an `Authorization: Bearer …` header, if there is one. */
/** Every line logged for the rest of this request (or event) names who it is about. */
export function logAs(claims: TenantClaims): void {
  setLogContext({
    tenantId: claims.app_metadata.tenant_id,
    userId: claims.sub,
    ...(typeof claims.session_id === 'string' ? { sessionId: claims.session_id } : {}),
  });
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

declare module 'fastify' {
  interface FastifyInstance {
    tokenVerifier: TokenVerifier | null;
  }
  interface FastifyRequest {
    claims: TenantClaims | null;
  }
}

/** Makes `requireUser(request)` work in every route of `app`. Call once, before routes. */
export function useTokenVerifier(app: FastifyInstance, verifier: TokenVerifier): void {
  app.decorate('tokenVerifier', verifier);
  app.decorateRequest('claims', null);
}

/**
 * The caller's claims from the bearer token (401 without a valid one); with `anyOf`, 403 unless
 * the caller holds one of those roles. One line at the top of a route.
 */
export async function requireUser(
  request: FastifyRequest,
  { anyOf }: { anyOf?: string[] } = {},
): Promise<TenantClaims> {
  if (!request.claims) {
    const verifier = request.server.tokenVerifier;
    if (!verifier) throw new Error('useTokenVerifier(app, verifier) was not called');
    const token = bearerToken(request.headers.authorization);
    if (!token) throw unauthorized();
    request.claims = await verifier.verify(token);
    logAs(request.claims);
  }
  const roles = request.claims.app_metadata.roles;
  if (anyOf && !anyOf.some((role) => roles.includes(role)))
    throw forbidden(`This needs one of the roles: ${anyOf.join(', ')}`);
  return request.claims;
}
