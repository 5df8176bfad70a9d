import { Alert } from '@eduspry/ui-components';
import { getTranslations } from 'next-intl/server';
import type { GraphQLErrorShape } from '@/lib/gateway';

/**
 * The `?notice=` / `?error=` a form action came back with, and partial-answer errors. A notice
 * is a key of the catalog's `notices` (anything else is not shown: a link cannot put words in
 * the app's mouth); an error is what the platform answered.
 */
export async function Notices({
  params,
  errors = [],
}: {
  params: Record<string, string | undefined>;
  errors?: GraphQLErrorShape[];
}) {
  const t = await getTranslations();
  const unavailable = errors.some((error) => error.extensions?.code === 'UPSTREAM_UNAVAILABLE');
  const notice = params.notice && t.has(`notices.${params.notice}`) ? t(`notices.${params.notice}`) : null;
  return (
    <>
      {notice ? <Alert kind="success">{notice}</Alert> : null}
      {params.error ? <Alert kind="error">{params.error}</Alert> : null}
      {unavailable ? <Alert kind="error">{t('common.unavailable')}</Alert> : null}
    </>
  );
}
