import { Button, Card } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import { getFormatter, getTranslations } from 'next-intl/server';
import { Field, Notice } from '@/components/field';
import { fieldMessages, Notices } from '@/components/notices';
import { decodeFieldErrors, UUID } from '@/lib/forms';
import { api } from '@/lib/gateway';
import { saveStorage } from '@/lib/operations';
import type { StorageSettings } from '@/lib/operations-shape';
import { requireAdmin } from '@/lib/viewer';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('storage'))('title') };
}

const MIB = 1024 * 1024;
const mib = (bytes: number) => String(Math.round((bytes / MIB) * 100) / 100);

/**
 * content-service's quota and usage; the file size limit is the tenant admin's, the quota the
 * super admin's, who reaches any district's from the tenants page (`?tenant=`).
 */
export default async function Storage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const who = await requireAdmin('/storage');
  const params = await searchParams;
  const t = await getTranslations('storage');
  const format = await getFormatter();
  const fieldError = await fieldMessages(decodeFieldErrors(params.fe));
  // Only the super admin looks at another district; a tenant admin always sees their own.
  const tenantId = who.superAdmin && params.tenant && UUID.test(params.tenant) ? params.tenant : who.tenantId;
  const [answer, district] = await Promise.all([
    api<StorageSettings>('GET', `content-service/tenants/${tenantId}/storage`),
    tenantId === who.tenantId ? undefined : api<{ name: string }>('GET', `auth-service/tenants/${tenantId}`),
  ]);
  if (!answer.ok)
    return (
      <>
        <h1 className="page-title">{t('title')}</h1>
        <Notices params={params} />
        <Notice kind="error">{answer.status === 403 ? t('forbidden') : t('unavailable')}</Notice>
      </>
    );
  const { usedBytes, quotaBytes, maxFileBytes, allowedMediaTypes } = answer.data;
  const size = (bytes: number) => `${format.number(bytes / MIB, { maximumFractionDigits: 1 })} ${t('mib')}`;
  const share = quotaBytes > 0 ? Math.min(1, usedBytes / quotaBytes) : 1;
  return (
    <>
      <h1 className="page-title">{t('title')}</h1>
      <Notices params={params} />
      {district?.ok ? <p>{t('ofTenant', { name: district.data.name })}</p> : null}
      <Card title={t('usage')}>
        <p>{t('used', { used: size(usedBytes), quota: size(quotaBytes) })}</p>
        <progress className="usage" value={usedBytes} max={Math.max(quotaBytes, 1)} aria-label={t('usage')}>
          {format.number(share, { style: 'percent' })}
        </progress>
        <p>{t('share', { share })}</p>
        <p>{t('maxFile', { size: size(maxFileBytes) })}</p>
        <p>{t('types', { types: allowedMediaTypes.join(', ') || '—' })}</p>
      </Card>
      <Card title={t('limits')}>
        <form action={saveStorage} noValidate>
          <input type="hidden" name="tenantId" value={tenantId} />
          <div className="row">
            <Field
              label={t('maxFileLabel')}
              name="maxFileMb"
              required
              defaultValue={params.maxFileMb ?? mib(maxFileBytes)}
              hint={t('mibHint')}
              error={fieldError('maxFileMb')}
            />
            {who.superAdmin ? (
              <Field
                label={t('quotaLabel')}
                name="quotaMb"
                required
                defaultValue={params.quotaMb ?? mib(quotaBytes)}
                hint={t('mibHint')}
                error={fieldError('quotaMb')}
              />
            ) : null}
          </div>
          {who.superAdmin ? null : <p>{t('quotaBySuperAdmin')}</p>}
          <Button>{t('save')}</Button>
        </form>
      </Card>
    </>
  );
}
