import { cookies, headers } from 'next/headers';
import { getRequestConfig } from 'next-intl/server';
import { DEFAULT_LOCALE, isLocale, LOCALE_COOKIE, negotiateLocale } from './locales';

/**
 * The language of a request: the user's choice (the switcher's NEXT_LOCALE cookie), else the
 * browser's Accept-Language, else English. No locale in the URL: links stay the same in both.
 */
export default getRequestConfig(async () => {
  const chosen = (await cookies()).get(LOCALE_COOKIE)?.value;
  const locale = isLocale(chosen)
    ? chosen
    : (negotiateLocale((await headers()).get('accept-language')) ?? DEFAULT_LOCALE);
  return {
    locale,
    messages: (await import(`../messages/${locale}.json`)).default,
    // Dates of reports are UTC days (analytics-service's contract), so they are shown in UTC.
    timeZone: 'UTC',
  };
});
