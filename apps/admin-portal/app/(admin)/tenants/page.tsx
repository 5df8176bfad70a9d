import { Button, Card, Checkbox } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import { getFormatter, getTranslations } from 'next-intl/server';
import { Field, Notice } from '@/components/field';
import { fieldMessages, Notices } from '@/components/notices';
import { createTenant, setTenantStatus } from '@/lib/actions';
import type { Tenant } from '@/lib/auth-shapes';
import { decodeFieldErrors } from '@/lib/forms';
import { api } from '@/lib/gateway';
import { editTenant } from '@/lib/people-actions';
import { requireSuperAdmin } from '@/lib/viewer';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('tenants'))('title') };
}

export default async function Tenants({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  await requireSuperAdmin('/tenants');
  const params = await searchParams;
  const t = await getTranslations('tenants');
  const format = await getFormatter();
  const fieldError = await fieldMessages(decodeFieldErrors(params.fe));
  const answer = await api<{ items: Tenant[]; total: number }>('GET', 'auth-service/tenants?limit=100');
  const tEdit = await getTranslations('tenantEdit');
  const editing = answer.ok ? answer.data.items.find((tenant) => tenant.id === params.edit) : undefined;
  return (
    <>
      <h1 className="page-title">{t('title')}</h1>
      <Notices params={params} />
      {editing ? (
        <Card title={tEdit('title', { name: editing.name })}>
          <form action={editTenant} noValidate id="edit-tenant">
            <input type="hidden" name="tenantId" value={editing.id} />
            <Field
              label={tEdit('name')}
              name="name"
              id="field-edit-name"
              required
              // After an error the field shows what was sent (an empty one stays empty).
              defaultValue={params.editName ?? (fieldError('editName') ? '' : editing.name)}
              error={fieldError('editName')}
            />
            <Checkbox
              label={tEdit('selfRegistration')}
              name="selfRegistration"
              defaultChecked={editing.settings.selfRegistration}
            />
            <Checkbox
              label={tEdit('requireEmailVerification')}
              name="requireEmailVerification"
              defaultChecked={editing.settings.requireEmailVerification}
            />
            <div className="actions">
              <Button>{tEdit('save')}</Button>
              <a href="/tenants">{tEdit('cancel')}</a>
            </div>
          </form>
        </Card>
      ) : null}
      <Card title={t('create')}>
        <form action={createTenant} noValidate>
          <div className="row">
            <Field
              label={t('slug')}
              name="slug"
              required
              defaultValue={params.slug}
              hint={t('slugHint')}
              error={fieldError('slug')}
            />
            <Field
              label={t('name')}
              name="name"
              required
              defaultValue={params.name}
              error={fieldError('name')}
            />
          </div>
          <Button>{t('submit')}</Button>
        </form>
      </Card>
      {!answer.ok ? (
        <Notice kind="error">{t('unavailable')}</Notice>
      ) : (
        <Card title={t('count', { count: answer.data.total })}>
          <table>
            <caption className="ui-visually-hidden">{t('title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('name')}</th>
                <th scope="col">{t('slug')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col">{t('since')}</th>
                <th scope="col">{t('actions')}</th>
              </tr>
            </thead>
            <tbody>
              {answer.data.items.map((tenant) => (
                <tr key={tenant.id}>
                  <td>{tenant.name}</td>
                  <td>{tenant.slug}</td>
                  <td>
                    {t.has(`statuses.${tenant.status}`) ? t(`statuses.${tenant.status}`) : tenant.status}
                  </td>
                  <td>{format.dateTime(new Date(tenant.createdAt), { dateStyle: 'medium' })}</td>
                  <td className="actions">
                    <a href={`/tenants?edit=${tenant.id}#edit-tenant`}>
                      {tEdit('edit')}
                      <span className="ui-visually-hidden"> {tenant.slug}</span>
                    </a>
                    <a href={`/storage?tenant=${tenant.id}`}>
                      {t('storage')}
                      <span className="ui-visually-hidden"> {tenant.slug}</span>
                    </a>
                    <form action={setTenantStatus} className="inline">
                      <input type="hidden" name="tenantId" value={tenant.id} />
                      <input
                        type="hidden"
                        name="action"
                        value={tenant.status === 'suspended' ? 'reactivate' : 'suspend'}
                      />
                      <button className="ui-button ui-button-secondary" type="submit">
                        {tenant.status === 'suspended' ? t('reactivate') : t('suspend')}
                        <span className="ui-visually-hidden"> {tenant.slug}</span>
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </>
  );
}
