import { Button, Card, Checkbox } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import { getFormatter, getTranslations } from 'next-intl/server';
import { Field, Notice } from '@/components/field';
import { fieldMessages, Notices } from '@/components/notices';
import { decodeFieldErrors } from '@/lib/forms';
import { api } from '@/lib/gateway';
import { removeIdentityProvider, saveIdentityProvider } from '@/lib/people-actions';
import type { IdentityProvider } from '@/lib/sso';
import { requireAdmin } from '@/lib/viewer';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('sso'))('title') };
}

/** The tenant's OpenID Connect providers: its users sign in with the district's own accounts. */
export default async function SingleSignOn({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const params = await searchParams;
  const who = await requireAdmin('/sso');
  const t = await getTranslations('sso');
  const format = await getFormatter();
  const fieldError = await fieldMessages(decodeFieldErrors(params.fe));
  const answer = await api<{ items: IdentityProvider[] }>(
    'GET',
    `auth-service/tenants/${who.tenantId}/identity-providers`,
  );
  const providers = answer.ok ? answer.data.items : [];
  // Replacing one: its settings fill the form (never its secret, which is not shown back).
  const editing = providers.find((p) => p.name === params.edit);
  const value = (name: string, fallback?: string) => params[name] ?? fallback;
  // A form that came back with errors keeps its boxes as they were ticked.
  const checked = (name: string, fallback: boolean) =>
    params[name] === 'on' ? true : params[name] === 'off' ? false : fallback;
  return (
    <>
      <h1 className="page-title">{t('title')}</h1>
      <Notices params={params} />
      <p>{t('intro')}</p>
      {!answer.ok ? (
        <Notice kind="error">{t('unavailable')}</Notice>
      ) : (
        <Card title={t('count', { count: providers.length })}>
          {providers.length === 0 ? (
            <p>{t('none')}</p>
          ) : (
            <table>
              <caption className="ui-visually-hidden">{t('caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('name')}</th>
                  <th scope="col">{t('issuer')}</th>
                  <th scope="col">{t('clientId')}</th>
                  <th scope="col">{t('secret')}</th>
                  <th scope="col">{t('state')}</th>
                  <th scope="col">{t('updated')}</th>
                  <th scope="col">{t('actions')}</th>
                </tr>
              </thead>
              <tbody>
                {providers.map((provider) => (
                  <tr key={provider.name}>
                    <td>{provider.name}</td>
                    <td>{provider.issuer}</td>
                    <td>{provider.client_id}</td>
                    <td>{provider.has_client_secret ? t('secretSet') : t('secretNone')}</td>
                    <td>
                      {provider.enabled ? t('enabledState') : t('disabledState')}
                      {provider.auto_provision ? `, ${t('autoProvisionState')}` : ''}
                    </td>
                    <td>{format.dateTime(new Date(provider.updated_at), { dateStyle: 'medium' })}</td>
                    <td className="actions">
                      <a href={`/sso?edit=${provider.name}#provider-form`}>
                        {t('edit')}
                        <span className="ui-visually-hidden"> {provider.name}</span>
                      </a>
                      <form action={removeIdentityProvider} className="inline">
                        <input type="hidden" name="name" value={provider.name} />
                        <button className="ui-button ui-button-secondary" type="submit">
                          {t('remove')}
                          <span className="ui-visually-hidden"> {provider.name}</span>
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      )}
      <Card title={editing ? t('replace', { name: editing.name }) : t('add')}>
        <form action={saveIdentityProvider} noValidate id="provider-form">
          {editing ? <input type="hidden" name="edit" value={editing.name} /> : null}
          <div className="row">
            <Field
              label={t('name')}
              name="name"
              required
              defaultValue={value('name', editing?.name)}
              hint={t('nameHint')}
              error={fieldError('name')}
            />
            <Field
              label={t('issuer')}
              name="issuer"
              type="url"
              required
              defaultValue={value('issuer', editing?.issuer)}
              hint={t('issuerHint')}
              error={fieldError('issuer')}
            />
          </div>
          <div className="row">
            <Field
              label={t('clientId')}
              name="clientId"
              required
              defaultValue={value('clientId', editing?.client_id)}
              error={fieldError('clientId')}
            />
            <Field
              label={t('clientSecret')}
              name="clientSecret"
              type="password"
              autoComplete="new-password"
              hint={editing?.has_client_secret ? t('clientSecretAgain') : t('clientSecretHint')}
              error={fieldError('clientSecret')}
            />
          </div>
          {editing?.has_client_secret ? (
            <Checkbox label={t('removeSecret')} name="removeSecret" defaultChecked={false} />
          ) : null}
          <Field
            label={t('scopes')}
            name="scopes"
            defaultValue={value('scopes', editing?.scopes ?? 'openid email profile')}
            hint={t('scopesHint')}
            error={fieldError('scopes')}
          />
          <Checkbox
            label={t('autoProvision')}
            name="autoProvision"
            defaultChecked={checked('autoProvision', editing?.auto_provision ?? false)}
          />
          <Checkbox
            label={t('enabled')}
            name="enabled"
            defaultChecked={checked('enabled', editing?.enabled ?? true)}
          />
          <Button>{t('save')}</Button>
        </form>
      </Card>
    </>
  );
}
