import Link from 'next/link';
import { getTranslations } from 'next-intl/server';

/** What `forbidden()` renders, with a 403 status: a super-admin page asked for by anyone else. */
export default async function Forbidden() {
  const t = await getTranslations('forbidden');
  return (
    <main id="main" className="main">
      <h1 className="page-title">{t('title')}</h1>
      <p>{t('body')}</p>
      <Link href="/">{t('home')}</Link>
    </main>
  );
}
