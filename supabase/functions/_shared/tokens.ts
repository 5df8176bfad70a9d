// What several edge functions share, imported as a file (Supabase's `_shared` folder
// convention: not a function of its own). Bare imports resolve through the importing function's
// deno.json, so each function that imports this maps `jose`.
import { createRemoteJWKSet, jwtVerify } from 'jose';

/**
 * Verifies tokens against a JWKS: Supabase Auth's on Supabase, EduSpry auth-service's self-hosted
 * (there with `endedSessions`, so a signed-out token stops working as in every service).
 */
export function jwksVerifier<C>(options: {
  jwksUrl: string;
  issuer?: string;
  audience?: string;
  /** Sessions that ended before their tokens expire (see `endedSessionsMirror`): refused. */
  endedSessions?: { has(sessionId: string): boolean };
}): (token: string) => Promise<C> {
  const keys = createRemoteJWKSet(new URL(options.jwksUrl), {
    timeoutDuration: 3000,
    cooldownDuration: 30_000,
  });
  return async (token) => {
    const { payload } = await jwtVerify(token, keys, {
      algorithms: ['EdDSA', 'ES256', 'RS256'],
      requiredClaims: ['sub', 'exp'],
      ...(options.issuer ? { issuer: options.issuer } : {}),
      ...(options.audience ? { audience: options.audience } : {}),
    });
    const sessionId = (payload as { session_id?: unknown }).session_id;
    if (typeof sessionId === 'string' && options.endedSessions?.has(sessionId))
      throw new Error('the session has ended');
    return payload as unknown as C;
  };
}

/**
 * Self-hosted: the sessions EduSpry's auth-service knows to have ended (it follows the platform's
 * event bus), polled every `intervalMs` — never a call per request — so a signed-out token stops
 * working here within a second or two, as it does in every service.
 */
export function endedSessionsMirror(options: {
  authServiceUrl: string;
  intervalMs?: number;
  fetch?: typeof fetch;
}): { has(sessionId: string): boolean; poll(): Promise<void>; stop(): void } {
  const send = options.fetch ?? fetch;
  const ended = new Map<string, number>();
  let since = 0;
  const poll = async () => {
    try {
      const url = new URL('/internal/ended-sessions', options.authServiceUrl);
      url.searchParams.set('since', String(since));
      const response = await send(url, { signal: AbortSignal.timeout(3000) });
      if (!response.ok) return void (await response.body?.cancel());
      const body = (await response.json()) as {
        now: number;
        items: { sessionId: string; expiresAt: number }[];
      };
      for (const item of body.items) ended.set(item.sessionId, item.expiresAt);
      since = body.now - 2000;
      const now = Date.now();
      for (const [id, expiresAt] of ended) if (expiresAt <= now) ended.delete(id);
    } catch {
      // auth-service unreachable: keep what is known, ask again on the next tick
    }
  };
  const timer = setInterval(poll, options.intervalMs ?? 1000);
  void poll();
  return {
    has: (sessionId) => (ended.get(sessionId) ?? 0) > Date.now(),
    poll,
    stop: () => clearInterval(timer),
  };
}

/**
 * The caller's token verifier, configured as every function deployed here is: on Supabase
 * (SUPABASE_URL set) Supabase Auth's JWKS; self-hosted auth-service's (AUTH_SERVICE_URL), with
 * its issuer and audience and its ended sessions refused. EDUSPRY_JWKS_URL,
 * EDUSPRY_TOKEN_ISSUER and EDUSPRY_TOKEN_AUDIENCE override either.
 */
export function verifierFromEnv<C>(env: (name: string) => string | undefined): (token: string) => Promise<C> {
  const supabaseUrl = env('SUPABASE_URL');
  const authServiceUrl = env('AUTH_SERVICE_URL') ?? 'http://127.0.0.1:4001';
  const jwksUrl =
    env('EDUSPRY_JWKS_URL') ??
    (supabaseUrl
      ? `${supabaseUrl}/auth/v1/.well-known/jwks.json`
      : `${authServiceUrl}/.well-known/jwks.json`);
  const issuer =
    env('EDUSPRY_TOKEN_ISSUER') ?? (supabaseUrl ? undefined : (env('AUTH_ISSUER') ?? authServiceUrl));
  const audience =
    env('EDUSPRY_TOKEN_AUDIENCE') ?? (supabaseUrl ? undefined : (env('AUTH_AUDIENCE') ?? 'eduspry'));
  // Self-hosted, tokens of signed-out sessions are refused as in every service.
  const endedSessions = supabaseUrl ? undefined : endedSessionsMirror({ authServiceUrl });
  return jwksVerifier<C>({
    jwksUrl,
    ...(issuer ? { issuer } : {}),
    ...(audience ? { audience } : {}),
    ...(endedSessions ? { endedSessions } : {}),
  });
}
