import { useLocale, useTranslations } from 'next-intl';
import { LOCALES } from '@/i18n/locales';
import { setLanguage } from '@/lib/actions';

/**
 * The user's language choice: one button per language (a form, so it works without client
 * JavaScript); the choice is kept in the NEXT_LOCALE cookie and wins over Accept-Language.
 */
export function LanguageSwitcher() {
  const t = useTranslations('language');
  const current = useLocale();
  return (
    <footer className="footer">
      <form action={setLanguage} aria-label={t('label')} className="language-switcher">
        <span id="language-label">{t('label')}</span>
        {LOCALES.map((locale) => (
          <button
            key={locale}
            className="ui-button ui-button-link"
            type="submit"
            name="locale"
            value={locale}
            lang={locale}
            aria-pressed={locale === current}
            aria-describedby="language-label"
          >
            {t(locale)}
          </button>
        ))}
      </form>
    </footer>
  );
}
