import { Alert, Button, Card, TextField } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { signIn } from '@/lib/actions';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('signIn'))('title') };
}

const REASONS = ['tooMany', 'mismatch', 'unavailable'] as const;

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const params = await searchParams;
  const t = await getTranslations('signIn');
  const reason = REASONS.find((r) => r === params.reason);
  const error = reason ? t(reason) : params.error;
  return (
    <main id="main" className="auth">
      <h1 className="page-title">{t('heading')}</h1>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {params.signedOut ? <Alert kind="success">{t('signedOut')}</Alert> : null}
      <Card>
        <form action={signIn}>
          <input type="hidden" name="next" value={params.next ?? '/dashboard'} />
          <TextField
            label={t('tenant')}
            name="tenant"
            required
            defaultValue={params.tenant ?? process.env.WEB_APP_DEFAULT_TENANT ?? 'riverside-school-district'}
            hint={t('tenantHint')}
          />
          <TextField
            label={t('email')}
            name="email"
            type="email"
            required
            autoComplete="username"
            defaultValue={params.email}
          />
          <TextField
            label={t('password')}
            name="password"
            type="password"
            required
            autoComplete="current-password"
          />
          <Button>{t('submit')}</Button>
        </form>
      </Card>
    </main>
  );
}
