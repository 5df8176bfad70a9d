import 'server-only';
import { cookies } from 'next/headers';

export const ACCESS_COOKIE = 'eduspry_at';
export const REFRESH_COOKIE = 'eduspry_rt';

const secure = process.env.NODE_ENV === 'production' && process.env.WEB_APP_INSECURE_COOKIES !== '1';

export async function accessToken(): Promise<string | undefined> {
  return (await cookies()).get(ACCESS_COOKIE)?.value;
}

export interface TokenAnswer {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

/** Tokens live in httpOnly cookies; page scripts see only the access token, for realtime (lib/live.ts). */
export async function storeSession(tokens: TokenAnswer): Promise<void> {
  const jar = await cookies();
  const base = { httpOnly: true, sameSite: 'lax' as const, secure, path: '/' };
  // The access cookie goes a little before the token does, so the proxy refreshes in time.
  jar.set(ACCESS_COOKIE, tokens.access_token, { ...base, maxAge: Math.max(30, tokens.expires_in - 30) });
  jar.set(REFRESH_COOKIE, tokens.refresh_token, { ...base, maxAge: 30 * 24 * 3600 });
}

export async function clearSession(): Promise<void> {
  const jar = await cookies();
  jar.delete(ACCESS_COOKIE);
  jar.delete(REFRESH_COOKIE);
}
