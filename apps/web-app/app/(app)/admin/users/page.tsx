import { Button, Card, Select, TextField } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import { inviteUser } from '@/lib/actions';
import { gql } from '@/lib/gateway';
import { Notices } from '../../notices';

export const metadata: Metadata = { title: 'Users' };

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
  const forbidden = errors.some((error) => error.extensions?.code === 'FORBIDDEN');
  return (
    <>
      <h1 className="page-title">Users</h1>
      <Notices params={params} errors={errors} />
      {forbidden ? <p>Only tenant admins manage users.</p> : null}
      <Card title="Invite someone">
        <form action={inviteUser}>
          <div className="row">
            <TextField label="Email" name="email" type="email" required />
            <TextField label="Name" name="displayName" required />
            <Select
              label="Role"
              name="role"
              options={[
                { value: 'student', label: 'Student' },
                { value: 'instructor', label: 'Instructor' },
                { value: 'tenant_admin', label: 'Tenant admin' },
              ]}
            />
          </div>
          <Button>Send invitation</Button>
        </form>
      </Card>
      {data?.users ? (
        <Card title={`People (${data.users.total})`}>
          <form className="search" aria-label="Search" action="/admin/users">
            <TextField label="Search by name or email" name="q" type="search" defaultValue={params.q} />
            <Button variant="secondary">Search</Button>
          </form>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Roles</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {data.users.items.map((user) => (
                <tr key={user.id}>
                  <td>{user.displayName}</td>
                  <td>{user.email}</td>
                  <td>{user.roles.join(', ')}</td>
                  <td>{user.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      ) : null}
    </>
  );
}
