import { Alert, Button, Card, TextField } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import { signIn } from '@/lib/actions';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const params = await searchParams;
  return (
    <main id="main" className="auth">
      <h1 className="page-title">Sign in to EduSpry</h1>
      {params.error ? <Alert kind="error">{params.error}</Alert> : null}
      {params.signedOut ? <Alert kind="success">You are signed out.</Alert> : null}
      <Card>
        <form action={signIn}>
          <input type="hidden" name="next" value={params.next ?? '/dashboard'} />
          <TextField
            label="School (tenant)"
            name="tenant"
            required
            defaultValue={params.tenant ?? process.env.WEB_APP_DEFAULT_TENANT ?? 'riverside-school-district'}
            hint="Your district's short name, e.g. riverside-school-district"
          />
          <TextField
            label="Email"
            name="email"
            type="email"
            required
            autoComplete="username"
            defaultValue={params.email}
          />
          <TextField
            label="Password"
            name="password"
            type="password"
            required
            autoComplete="current-password"
          />
          <Button>Sign in</Button>
        </form>
      </Card>
    </main>
  );
}
