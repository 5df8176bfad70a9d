import { Button, Card, Select, TextField } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { inviteUser } from '@/lib/actions';
import { gql } from '@/lib/gateway';
import { label } from '@/lib/words';
import { Notices } from '../../notices';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('users'))('title') };
}

interface User {
  id: string;
  email: string;
  displayName: string | null;
  roles: string[];
  status: string;
}

export default async function Users({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const params = await searchParams;
  const { data, errors } = await gql<{ users: { total: number; items: User[] } | null }>('Users', {
    search: params.q || null,
  });
  const t = await getTranslations();
  const forbidden = errors.some((error) => error.extensions?.code === 'FORBIDDEN');
  return (
    <>
      <h1 className="page-title">{t('users.title')}</h1>
      <Notices params={params} errors={errors} />
      {forbidden ? <p>{t('users.forbidden')}</p> : null}
      <Card title={t('users.invite')}>
        <form action={inviteUser}>
          <div className="row">
            <TextField label={t('users.email')} name="email" type="email" required />
            <TextField label={t('users.name')} name="displayName" required />
            <Select
              label={t('users.role')}
              name="role"
              options={['student', 'instructor', 'tenant_admin'].map((role) => ({
                value: role,
                label: label(t, 'roles', role),
              }))}
            />
          </div>
          <Button>{t('users.send')}</Button>
        </form>
      </Card>
      {data?.users ? (
        <Card title={t('users.people', { count: data.users.total })}>
          <form className="search" aria-label={t('common.search')} action="/admin/users">
            <TextField label={t('users.searchLabel')} name="q" type="search" defaultValue={params.q} />
            <Button variant="secondary">{t('common.search')}</Button>
          </form>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('users.name')}</th>
                <th scope="col">{t('users.email')}</th>
                <th scope="col">{t('users.roles')}</th>
                <th scope="col">{t('users.status')}</th>
              </tr>
            </thead>
            <tbody>
              {data.users.items.map((user) => (
                <tr key={user.id}>
                  <td>{user.displayName}</td>
                  <td>{user.email}</td>
                  <td>{user.roles.map((role) => label(t, 'roles', role)).join(', ')}</td>
                  <td>{label(t, 'statuses', user.status)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      ) : null}
    </>
  );
}
