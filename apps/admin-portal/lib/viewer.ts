import 'server-only';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { accessToken } from './session';

export interface Viewer {
  id: string;
  email: string;
  displayName: string;
  tenantId: string;
  tenantSlug: string;
  roles: string[];
  superAdmin: boolean;
}

/**
 * The signed-in admin, read from the access token's claims. The portal only shows what they
 * say; every call it makes is authorised again by the service behind the gateway.
 */
export const viewer = cache(async (): Promise<Viewer | undefined> => {
  const token = await accessToken();
  if (!token) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      sub: string;
      email?: string;
      exp?: number;
      app_metadata?: { tenant_id?: string; tenant_slug?: string; roles?: string[] };
      user_metadata?: { display_name?: string };
    };
    if (!payload.exp || payload.exp * 1000 < Date.now()) return undefined;
    const roles = payload.app_metadata?.roles ?? [];
    return {
      id: payload.sub,
      email: payload.email ?? '',
      displayName: payload.user_metadata?.display_name ?? payload.email ?? '',
      tenantId: payload.app_metadata?.tenant_id ?? '',
      tenantSlug: payload.app_metadata?.tenant_slug ?? '',
      roles,
      superAdmin: roles.includes('super_admin'),
    };
  } catch {
    return undefined;
  }
});

export const isAdmin = (roles: string[]) => roles.some((r) => r === 'tenant_admin' || r === 'super_admin');

/** A tenant admin or the super admin, else back to sign-in. */
export async function requireAdmin(next: string): Promise<Viewer> {
  const who = await viewer();
  if (!who) redirect(`/sign-in?next=${encodeURIComponent(next)}`);
  if (!isAdmin(who.roles)) forbidden();
  return who;
}

/** The super admin only: anyone else gets the 403 page (and a 403 status). */
export async function requireSuperAdmin(next: string): Promise<Viewer> {
  const who = await requireAdmin(next);
  if (!who.superAdmin) forbidden();
  return who;
}
