'use server';
import { revalidatePath } from 'next/cache';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { LOCALE_COOKIE, LOCALES } from '@/i18n/request';
import { cleanText, EMAIL, type FieldErrors, SLUG, UUID } from './forms';
import { api, forwardedFor, GATEWAY_URL } from './gateway';
import { back, invalid, problemKey, safeReturn } from './redirects';
import { accessToken, clearSession, storeSession, type TokenAnswer } from './session';
import { requireAdmin, requireSuperAdmin } from './viewer';

const ROLES = ['student', 'instructor', 'tenant_admin'];

export async function signIn(form: FormData): Promise<void> {
  const tenant = cleanText(form.get('tenant')).toLowerCase();
  const email = cleanText(form.get('email'));
  const password = String(form.get('password') ?? '');
  const rawNext = cleanText(form.get('next'));
  const next = rawNext.startsWith('/') && !rawNext.startsWith('//') ? rawNext : '/';
  const errors: FieldErrors = {};
  if (!tenant) errors.tenant = 'required';
  else if (!SLUG.test(tenant)) errors.tenant = 'slug';
  if (!email) errors.email = 'required';
  else if (!EMAIL.test(email) || email.length > 254) errors.email = 'email';
  if (!password) errors.password = 'required';
  else if (password.length > 1024) errors.password = 'tooLong';
  if (Object.keys(errors).length) invalid('/sign-in', errors, { tenant, email, next });
  const response = await fetch(`${GATEWAY_URL}/api/auth-service/token?grant_type=password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await forwardedFor()) },
    body: JSON.stringify({ tenant, email, password }),
    cache: 'no-store',
    signal: AbortSignal.timeout(10_000),
  }).catch(() => null);
  if (!response?.ok) {
    const error =
      response?.status === 429
        ? 'errors.tooMany'
        : response && response.status < 500
          ? 'signIn.mismatch'
          : 'errors.unavailable';
    back('/sign-in', { error, tenant, email, next });
  }
  const tokens = (await response.json()) as TokenAnswer & { user?: { roles?: string[] } };
  const roles = tokens.user?.roles ?? [];
  if (!roles.some((role) => role === 'tenant_admin' || role === 'super_admin')) {
    // Not an admin: the session just opened is closed again at once.
    await fetch(`${GATEWAY_URL}/api/auth-service/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, ...(await forwardedFor()) },
      signal: AbortSignal.timeout(5000),
    }).catch(() => undefined);
    back('/sign-in', { error: 'signIn.notAdmin', tenant, email });
  }
  await storeSession(tokens);
  redirect(next === '/' ? (roles.includes('super_admin') ? '/tenants' : '/users') : next);
}

export async function signOut(): Promise<void> {
  const token = await accessToken();
  if (token)
    await fetch(`${GATEWAY_URL}/api/auth-service/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...(await forwardedFor()) },
      signal: AbortSignal.timeout(5000),
    }).catch(() => undefined);
  await clearSession();
  redirect('/sign-in?notice=signIn.signedOut');
}

/** The language switcher: the choice is kept a year and wins over the browser's languages. */
export async function setLocale(form: FormData): Promise<void> {
  const locale = cleanText(form.get('locale'));
  const path = cleanText(form.get('path'));
  if ((LOCALES as readonly string[]).includes(locale))
    (await cookies()).set(LOCALE_COOKIE, locale, { path: '/', maxAge: 365 * 24 * 3600, sameSite: 'lax' });
  redirect(path.startsWith('/') && !path.startsWith('//') ? path : '/');
}

export async function inviteUser(form: FormData): Promise<void> {
  const who = await requireAdmin('/users');
  const email = cleanText(form.get('email'));
  const displayName = cleanText(form.get('displayName'));
  const role = cleanText(form.get('role'));
  const errors: FieldErrors = {};
  if (!email) errors.email = 'required';
  else if (!EMAIL.test(email) || email.length > 254) errors.email = 'email';
  if (!displayName) errors.displayName = 'required';
  else if (displayName.length > 200) errors.displayName = 'tooLong';
  if (!ROLES.includes(role)) errors.role = 'choice';
  if (Object.keys(errors).length) invalid('/users', errors, { email, displayName });
  const answer = await api('POST', `auth-service/tenants/${who.tenantId}/invitations`, {
    email,
    displayName,
    roles: [role],
  });
  if (!answer.ok) {
    if (answer.status === 409) invalid('/users', { email: 'taken' }, { email, displayName });
    if (answer.status === 400) invalid('/users', { email: 'email' }, { email, displayName });
    back('/users', { error: problemKey(answer.problem) });
  }
  revalidatePath('/users');
  back('/users', { notice: 'users.invited' });
}

export async function changeRoles(form: FormData): Promise<void> {
  const who = await requireAdmin('/users');
  const userId = cleanText(form.get('userId'));
  const role = cleanText(form.get('role'));
  const returnTo = safeReturn(form, '/users');
  if (!UUID.test(userId) || !ROLES.includes(role)) back(returnTo, { error: 'errors.rejected' });
  const answer = await api('PUT', `auth-service/tenants/${who.tenantId}/users/${userId}/roles`, {
    roles: [role],
  });
  if (!answer.ok) back(returnTo, { error: problemKey(answer.problem) });
  back(returnTo, { notice: 'users.rolesChanged' });
}

export async function setUserStatus(form: FormData): Promise<void> {
  const who = await requireAdmin('/users');
  const userId = cleanText(form.get('userId'));
  const action = cleanText(form.get('action'));
  const returnTo = safeReturn(form, '/users');
  if (!UUID.test(userId) || !['deactivate', 'reactivate'].includes(action))
    back(returnTo, { error: 'errors.rejected' });
  const answer = await api('POST', `auth-service/tenants/${who.tenantId}/users/${userId}/${action}`);
  if (!answer.ok) back(returnTo, { error: problemKey(answer.problem) });
  back(returnTo, { notice: action === 'deactivate' ? 'users.deactivated' : 'users.reactivated' });
}

export async function createTenant(form: FormData): Promise<void> {
  await requireSuperAdmin('/tenants');
  const slug = cleanText(form.get('slug')).toLowerCase();
  const name = cleanText(form.get('name'));
  const errors: FieldErrors = {};
  if (!slug) errors.slug = 'required';
  else if (!SLUG.test(slug)) errors.slug = 'slug';
  if (!name) errors.name = 'required';
  else if (name.length > 200) errors.name = 'tooLong';
  if (Object.keys(errors).length) invalid('/tenants', errors, { slug, name });
  const answer = await api('POST', 'auth-service/tenants', { slug, name });
  if (!answer.ok) {
    if (answer.status === 409) invalid('/tenants', { slug: 'taken' }, { slug, name });
    back('/tenants', { error: problemKey(answer.problem) });
  }
  revalidatePath('/tenants');
  back('/tenants', { notice: 'tenants.created' });
}

export async function setTenantStatus(form: FormData): Promise<void> {
  await requireSuperAdmin('/tenants');
  const tenantId = cleanText(form.get('tenantId'));
  const action = cleanText(form.get('action'));
  if (!UUID.test(tenantId) || !['suspend', 'reactivate'].includes(action))
    back('/tenants', { error: 'errors.rejected' });
  const answer = await api('POST', `auth-service/tenants/${tenantId}/${action}`);
  if (!answer.ok) back('/tenants', { error: problemKey(answer.problem) });
  back('/tenants', { notice: action === 'suspend' ? 'tenants.suspended' : 'tenants.reactivated' });
}

export async function rotateSigningKey(): Promise<void> {
  await requireSuperAdmin('/platform');
  const answer = await api<{ kid: string }>('POST', 'auth-service/keys/rotate');
  if (!answer.ok) back('/platform', { error: problemKey(answer.problem) });
  back('/platform', { notice: 'platform.rotated' });
}
