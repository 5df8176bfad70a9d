'use server';
import { revalidatePath } from 'next/cache';
import { cleanText, type FieldErrors, UUID } from './forms';
import { api } from './gateway';
import { back, invalid, problemKey } from './redirects';
import { checkProvider, PROVIDER_NAME } from './sso';
import { requireAdmin, requireSuperAdmin } from './viewer';

/**
 * Signs a user of the admin's tenant out: of one session (`sessionId`) or everywhere. auth-service
 * ends them as a sign-out does, so their tokens stop working within seconds.
 */
export async function endUserSessions(form: FormData): Promise<void> {
  const who = await requireAdmin('/users');
  const userId = cleanText(form.get('userId'));
  const sessionId = cleanText(form.get('sessionId'));
  if (!UUID.test(userId)) back('/users', { error: 'errors.rejected' });
  const page = `/users/${userId}`;
  if (sessionId && !UUID.test(sessionId)) back(page, { error: 'errors.rejected' });
  const path = `auth-service/tenants/${who.tenantId}/users/${userId}/sessions${sessionId ? `/${sessionId}` : ''}`;
  const answer = await api<{ ended: number }>('DELETE', path);
  if (!answer.ok) back(page, { error: problemKey(answer.problem) });
  revalidatePath(page);
  back(page, { notice: sessionId ? 'sessions.endedOne' : 'sessions.endedAll' });
}

/** Adds or replaces one of the tenant's OIDC identity providers. */
export async function saveIdentityProvider(form: FormData): Promise<void> {
  const who = await requireAdmin('/sso');
  const input = {
    name: cleanText(form.get('name')).toLowerCase(),
    issuer: cleanText(form.get('issuer')),
    clientId: cleanText(form.get('clientId')),
    // Taken as typed (a secret may have spaces at its ends), never sent back to the page.
    clientSecret: String(form.get('clientSecret') ?? ''),
    scopes: cleanText(form.get('scopes')).replace(/\s+/g, ' '),
  };
  const autoProvision = form.get('autoProvision') === 'on';
  const enabled = form.get('enabled') === 'on';
  // A secret typed replaces the stored one; none keeps it, unless its removal is ticked.
  const secret: { client_secret?: string | null } = input.clientSecret
    ? { client_secret: input.clientSecret }
    : form.get('removeSecret') === 'on'
      ? { client_secret: null }
      : {};
  // What the form shows again after an error: never the secret.
  const values = {
    // Replacing one stays replacing it (its heading, the hint about its stored secret).
    edit: PROVIDER_NAME.test(cleanText(form.get('edit'))) ? cleanText(form.get('edit')) : '',
    name: input.name,
    issuer: input.issuer,
    clientId: input.clientId,
    scopes: input.scopes,
    autoProvision: autoProvision ? 'on' : 'off',
    enabled: enabled ? 'on' : 'off',
  };
  const errors: FieldErrors = checkProvider(input);
  if (Object.keys(errors).length) invalid('/sso', errors, values);
  const answer = await api('PUT', `auth-service/tenants/${who.tenantId}/identity-providers/${input.name}`, {
    issuer: input.issuer,
    client_id: input.clientId,
    ...secret,
    scopes: input.scopes || 'openid email profile',
    auto_provision: autoProvision,
    enabled,
  });
  if (!answer.ok) {
    // The service's own checks, answered next to the field they name.
    const field = (answer.problem as { field?: string }).field ?? '';
    const byField: Record<string, string> = {
      'body.issuer': 'issuer',
      'body.client_id': 'clientId',
      'body.client_secret': 'clientSecret',
      'body.scopes': 'scopes',
      'params.name': 'name',
    };
    const named = Object.entries(byField).find(([prefix]) => field.startsWith(prefix))?.[1];
    if (answer.status === 400 && named)
      invalid('/sso', { [named]: named === 'issuer' ? 'https' : 'invalid' }, values);
    back('/sso', { error: problemKey(answer.problem) });
  }
  revalidatePath('/sso');
  back('/sso', { notice: 'sso.saved' });
}

export async function removeIdentityProvider(form: FormData): Promise<void> {
  const who = await requireAdmin('/sso');
  const name = cleanText(form.get('name'));
  if (!PROVIDER_NAME.test(name)) back('/sso', { error: 'errors.rejected' });
  const answer = await api('DELETE', `auth-service/tenants/${who.tenantId}/identity-providers/${name}`);
  if (!answer.ok) back('/sso', { error: problemKey(answer.problem) });
  revalidatePath('/sso');
  back('/sso', { notice: 'sso.removed' });
}

/** The super admin changes a tenant's name and settings (PATCH /tenants/:id). */
export async function editTenant(form: FormData): Promise<void> {
  await requireSuperAdmin('/tenants');
  const tenantId = cleanText(form.get('tenantId'));
  const name = cleanText(form.get('name'));
  if (!UUID.test(tenantId)) back('/tenants', { error: 'errors.rejected' });
  const page = `/tenants?edit=${tenantId}`;
  const errors: FieldErrors = {};
  if (!name) errors.editName = 'required';
  else if (name.length > 200) errors.editName = 'tooLong';
  if (Object.keys(errors).length) invalid(page, errors, { editName: name });
  const answer = await api('PATCH', `auth-service/tenants/${tenantId}`, {
    name,
    settings: {
      selfRegistration: form.get('selfRegistration') === 'on',
      requireEmailVerification: form.get('requireEmailVerification') === 'on',
    },
  });
  if (!answer.ok) {
    if (answer.status === 400) invalid(page, { editName: 'invalid' }, { editName: name });
    back('/tenants', { error: problemKey(answer.problem) });
  }
  revalidatePath('/tenants');
  back('/tenants', { notice: 'tenantEdit.saved' });
}
