import '@eduspry/ui-components/styles.css';
import './app.css';
import type { Metadata, Viewport } from 'next';
import { getLocale, getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('app');
  return { title: { default: t('name'), template: `%s · ${t('name')}` }, description: t('description') };
}
export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const t = await getTranslations('app');
  return (
    <html lang={await getLocale()}>
      <body>
        <a className="skip-link" href="#main">
          {t('skip')}
        </a>
        {children}
      </body>
    </html>
  );
}
