import { type NextRequest, NextResponse } from 'next/server';

const ACCESS_COOKIE = 'eduspry_admin_at';
const REFRESH_COOKIE = 'eduspry_admin_rt';
const GATEWAY_URL = process.env.API_GATEWAY_URL ?? 'http://127.0.0.1:4000';

/**
 * Keeps a session alive: when the short-lived access cookie has gone but the refresh cookie is
 * there, exchange it (rotated by auth-service) before the page renders, so pages only ever
 * read a valid access token.
 */
export async function proxy(request: NextRequest) {
  // The page's path, for the layout (the language switcher returns to it, sign-in goes back to it).
  request.headers.set('x-admin-path', request.nextUrl.pathname + request.nextUrl.search);
  const refresh = request.cookies.get(REFRESH_COOKIE)?.value;
  if (request.cookies.get(ACCESS_COOKIE) || !refresh)
    return NextResponse.next({ request: { headers: request.headers } });
  const forwarded = request.headers.get('x-forwarded-for');
  const answer = await fetch(`${GATEWAY_URL}/api/auth-service/token?grant_type=refresh_token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      // The browser's address, as lib/gateway.ts forwardedFor() passes it for every other call.
      ...(forwarded ? { 'x-forwarded-for': forwarded } : {}),
    },
    body: JSON.stringify({ refresh_token: refresh }),
    signal: AbortSignal.timeout(5000),
  }).catch(() => null);
  if (!answer?.ok) {
    const response = NextResponse.next({ request: { headers: request.headers } });
    if (answer && answer.status < 500) response.cookies.delete(REFRESH_COOKIE);
    return response;
  }
  const tokens = (await answer.json()) as { access_token: string; refresh_token: string; expires_in: number };
  const secure = process.env.NODE_ENV === 'production' && process.env.WEB_APP_INSECURE_COOKIES !== '1';
  const base = { httpOnly: true, sameSite: 'lax' as const, secure, path: '/' };
  // The page rendering now must see the new token too: pass it on the request as well.
  request.cookies.set(ACCESS_COOKIE, tokens.access_token);
  const response = NextResponse.next({ request: { headers: request.headers } });
  response.cookies.set(ACCESS_COOKIE, tokens.access_token, {
    ...base,
    maxAge: Math.max(30, tokens.expires_in - 30),
  });
  response.cookies.set(REFRESH_COOKIE, tokens.refresh_token, { ...base, maxAge: 8 * 3600 });
  return response;
}

export const config = {
  matcher: ['/((?!_next/|api/ready|health|ready|favicon.ico|sign-in).*)'],
};
