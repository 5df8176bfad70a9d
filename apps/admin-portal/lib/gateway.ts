import 'server-only';
import { headers } from 'next/headers';
import { accessToken } from './session';

/** Where the portal's server reaches the api-gateway (npm start sets API_GATEWAY_URL). */
export const GATEWAY_URL = process.env.API_GATEWAY_URL ?? 'http://127.0.0.1:4000';

/** The browser's address, passed on as X-Forwarded-For (per-browser limits and audit lines). */
export async function forwardedFor(): Promise<Record<string, string>> {
  const chain = (await headers()).get('x-forwarded-for');
  return chain ? { 'x-forwarded-for': chain } : {};
}

export interface Problem {
  status: number;
  code?: string;
  title?: string;
  type?: string;
  detail?: string;
  errors?: { path?: string; instancePath?: string; message?: string }[];
}

export type Answer<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; problem: Problem };

/**
 * One REST call through the gateway's pass-through (`/api/<service>/<path>`) as the signed-in
 * admin. Never throws for an HTTP answer: a problem comes back as `{ ok: false, problem }`, and
 * an unreachable gateway as status 503.
 */
export async function api<T = unknown>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  options: { timeoutMs?: number } = {},
): Promise<Answer<T>> {
  return gateway<T>(method, `/api/${path.replace(/^\//, '')}`, body, options);
}

/** A route of the gateway itself (e.g. `/platform/health`), with the same conventions as `api`. */
export async function gateway<T = unknown>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  { timeoutMs = 10_000 }: { timeoutMs?: number } = {},
): Promise<Answer<T>> {
  const token = await accessToken();
  const response = await fetch(`${GATEWAY_URL}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(await forwardedFor()),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    cache: 'no-store',
    signal: AbortSignal.timeout(timeoutMs),
  }).catch(() => null);
  if (!response) return { ok: false, status: 503, problem: { status: 503, code: 'unavailable' } };
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (response.ok) return { ok: true, status: response.status, data: parsed as T };
  return { ok: false, status: response.status, problem: { status: response.status, ...(parsed as object) } };
}

/** `?a=1&b=2` of the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
}
