'use server';
import { accessToken } from './session';

export interface LiveConnection {
  /** realtime-service's Supabase-shaped address, as the browser reaches it. */
  url: string;
  /** The edge functions' base (`…/functions/v1`), as the browser reaches them: activity goes to `analytics`. */
  functionsUrl: string;
  /** content-service as the browser reaches it: uploads go straight to its tus endpoint (`/uploads`). */
  contentUrl: string;
  token: string;
  /** When the token expires (ms since the epoch): the page asks again a minute before. */
  expiresAt: number;
}

const localEntry = () => new URL(process.env.SUPABASE_LOCAL_URL ?? 'http://127.0.0.1:54321');
const under = (base: URL, path: string) => new URL(path, `${base.href.replace(/\/$/, '')}/`).href;

/** Where browsers reach realtime: REALTIME_PUBLIC_URL, else the local Supabase entry's /realtime/v1. */
function realtimeUrl(): string {
  if (process.env.REALTIME_PUBLIC_URL) return process.env.REALTIME_PUBLIC_URL;
  const local = localEntry();
  local.protocol = local.protocol === 'https:' ? 'wss:' : 'ws:';
  return under(local, 'realtime/v1');
}

/** Where browsers reach the edge functions: FUNCTIONS_PUBLIC_URL, else the local entry's /functions/v1. */
function functionsUrl(): string {
  return process.env.FUNCTIONS_PUBLIC_URL ?? under(localEntry(), 'functions/v1');
}

/** Where browsers reach content-service: CONTENT_PUBLIC_URL, else CONTENT_SERVICE_URL (`npm start` sets it). */
function contentUrl(): string {
  return (
    process.env.CONTENT_PUBLIC_URL ??
    process.env.CONTENT_SERVICE_URL ??
    'http://127.0.0.1:4003'
  ).replace(/\/$/, '');
}

function expiryOf(token: string): number {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof payload.exp === 'number' ? payload.exp * 1000 : 0;
  } catch {
    return 0;
  }
}

/**
 * The live connection's credentials: the current access token (proxy.ts has refreshed it when it
 * was due). It is the one token page scripts get, because realtime-service verifies it on the
 * socket as Supabase's clients do; it is short-lived, and the refresh token stays in its cookie.
 */
export async function liveConnection(): Promise<LiveConnection | null> {
  const token = await accessToken();
  return token
    ? {
        url: realtimeUrl(),
        functionsUrl: functionsUrl(),
        contentUrl: contentUrl(),
        token,
        expiresAt: expiryOf(token),
      }
    : null;
}
