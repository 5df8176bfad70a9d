import { Button, Card } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { Field } from '@/components/field';
import { LanguageSwitcher } from '@/components/language-switcher';
import { fieldMessages, Notices } from '@/components/notices';
import { signIn } from '@/lib/actions';
import { decodeFieldErrors } from '@/lib/forms';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('signIn'))('title') };
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const params = await searchParams;
  const t = await getTranslations('signIn');
  const fieldError = await fieldMessages(decodeFieldErrors(params.fe));
  return (
    <main id="main" className="auth">
      <div className="auth-top">
        <LanguageSwitcher path="/sign-in" />
      </div>
      <h1 className="page-title">{t('heading')}</h1>
      <Notices params={params} />
      <Card>
        <form action={signIn} noValidate>
          <input type="hidden" name="next" value={params.next ?? '/'} />
          <Field
            label={t('tenant')}
            name="tenant"
            required
            defaultValue={params.tenant ?? process.env.ADMIN_PORTAL_DEFAULT_TENANT ?? ''}
            hint={t('tenantHint')}
            error={fieldError('tenant')}
          />
          <Field
            label={t('email')}
            name="email"
            type="email"
            required
            autoComplete="username"
            defaultValue={params.email}
            error={fieldError('email')}
          />
          <Field
            label={t('password')}
            name="password"
            type="password"
            required
            autoComplete="current-password"
            error={fieldError('password')}
          />
          <Button>{t('submit')}</Button>
        </form>
      </Card>
    </main>
  );
}
