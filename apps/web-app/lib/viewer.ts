import 'server-only';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { gql } from './gateway';
import { accessToken } from './session';

export interface Viewer {
  id: string;
  displayName: string | null;
  email: string | null;
  roles: string[];
  tenantSlug: string | null;
}

/** The signed-in user (once per request), or a redirect to sign in. */
export const requireViewer = cache(async (next = '/dashboard'): Promise<Viewer> => {
  if (!(await accessToken())) redirect(`/sign-in?next=${encodeURIComponent(next)}`);
  const { data } = await gql<{ me: Viewer }>('Viewer');
  if (!data?.me) redirect(`/sign-in?next=${encodeURIComponent(next)}`);
  return data.me;
});

export const isStaff = (viewer: Viewer) =>
  viewer.roles.some((role) => ['instructor', 'tenant_admin', 'super_admin'].includes(role));
export const isAdmin = (viewer: Viewer) =>
  viewer.roles.some((role) => ['tenant_admin', 'super_admin'].includes(role));
