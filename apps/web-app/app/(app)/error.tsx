'use client';
import { Alert } from '@eduspry/ui-components';
import { useTranslations } from 'next-intl';

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  const t = useTranslations('errorPage');
  return (
    <>
      <h1 className="page-title">{t('title')}</h1>
      <Alert kind="error">{t('body')}</Alert>
      <button className="ui-button ui-button-primary" type="button" onClick={() => reset()}>
        {t('retry')}
      </button>
    </>
  );
}
