import { getLocale, getTranslations } from 'next-intl/server';
import { LOCALES } from '@/i18n/request';
import { setLocale } from '@/lib/actions';

/** A plain form (works without JavaScript and with the keyboard alone). */
export async function LanguageSwitcher({ path }: { path: string }) {
  const t = await getTranslations('language');
  const locale = await getLocale();
  return (
    <form action={setLocale} className="language">
      <input type="hidden" name="path" value={path} />
      <label htmlFor="language-select">{t('label')}</label>
      <select id="language-select" name="locale" defaultValue={locale}>
        {LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {t(code)}
          </option>
        ))}
      </select>
      <button className="ui-button ui-button-secondary" type="submit">
        {t('apply')}
      </button>
    </form>
  );
}
