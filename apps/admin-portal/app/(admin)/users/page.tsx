import { Button, Card } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import { Field, Notice, SelectField } from '@/components/field';
import { fieldMessages, Notices } from '@/components/notices';
import { changeRoles, inviteUser, setUserStatus } from '@/lib/actions';
import type { TenantUser } from '@/lib/auth-shapes';
import { decodeFieldErrors } from '@/lib/forms';
import { api, query } from '@/lib/gateway';
import { requireAdmin } from '@/lib/viewer';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('users'))('title') };
}

const ROLES = ['student', 'instructor', 'tenant_admin'] as const;
const STATUSES = ['invited', 'active', 'deactivated'] as const;
const PAGE = 50;

export default async function Users({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const params = await searchParams;
  const who = await requireAdmin('/users');
  const t = await getTranslations('users');
  const roleName = await getTranslations('roles');
  const statusName = await getTranslations('status');
  const format = await getFormatter();
  const fieldError = await fieldMessages(decodeFieldErrors(params.fe));
  const role = ROLES.find((r) => r === params.role);
  const status = STATUSES.find((s) => s === params.status);
  const q = (params.q ?? '').trim().slice(0, 100);
  const offset = Math.max(0, Math.min(1_000_000, Number.parseInt(params.offset ?? '0', 10) || 0));
  const answer = await api<{ items: TenantUser[]; total: number }>(
    'GET',
    `auth-service/tenants/${who.tenantId}/users${query({ q, role, status, limit: PAGE, offset })}`,
  );
  const here = `/users${query({ q, role, status, offset: offset || undefined })}`;
  const roleOptions = ROLES.map((value) => ({ value, label: roleName(value) }));
  return (
    <>
      <h1 className="page-title">{t('title')}</h1>
      <Notices params={params} />
      <Card title={t('invite')}>
        <form action={inviteUser} noValidate>
          <div className="row">
            <Field
              label={t('email')}
              name="email"
              type="email"
              required
              defaultValue={params.email}
              error={fieldError('email')}
            />
            <Field
              label={t('name')}
              name="displayName"
              required
              defaultValue={params.displayName}
              error={fieldError('displayName')}
            />
            <SelectField label={t('role')} name="role" options={roleOptions} error={fieldError('role')} />
          </div>
          <Button>{t('send')}</Button>
        </form>
      </Card>
      <Card title={answer.ok ? t('people', { count: answer.data.total }) : t('peopleTitle')}>
        <search aria-label={t('filter')}>
          <form className="filters" action="/users">
            <Field label={t('search')} name="q" type="search" defaultValue={q} />
            <SelectField
              label={t('filterRole')}
              name="role"
              id="filter-role"
              defaultValue={role ?? ''}
              options={[{ value: '', label: t('any') }, ...roleOptions]}
            />
            <SelectField
              label={t('filterStatus')}
              name="status"
              id="filter-status"
              defaultValue={status ?? ''}
              options={[
                { value: '', label: t('any') },
                ...STATUSES.map((s) => ({ value: s, label: statusName(s) })),
              ]}
            />
            <Button variant="secondary">{t('apply')}</Button>
          </form>
        </search>
        {!answer.ok ? (
          <Notice kind="error">{t('unavailable')}</Notice>
        ) : answer.data.items.length === 0 ? (
          <p>{t('none')}</p>
        ) : (
          <table>
            <caption className="ui-visually-hidden">{t('peopleTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('name')}</th>
                <th scope="col">{t('email')}</th>
                <th scope="col">{t('roles')}</th>
                <th scope="col">{t('statusColumn')}</th>
                <th scope="col">{t('since')}</th>
                <th scope="col">{t('actions')}</th>
              </tr>
            </thead>
            <tbody>
              {answer.data.items.map((user) => (
                <tr key={user.id}>
                  <td>
                    <Link href={`/users/${user.id}`}>{user.displayName || user.email}</Link>
                  </td>
                  <td>{user.email}</td>
                  <td>{user.roles.map((r) => (roleName.has(r) ? roleName(r) : r)).join(', ')}</td>
                  <td>{statusName(user.status)}</td>
                  <td>
                    {user.createdAt ? format.dateTime(new Date(user.createdAt), { dateStyle: 'medium' }) : ''}
                  </td>
                  <td className="actions">
                    {user.id === who.id ? null : (
                      <>
                        <form action={changeRoles} className="inline">
                          <input type="hidden" name="userId" value={user.id} />
                          <input type="hidden" name="returnTo" value={here} />
                          <SelectField
                            label={t('newRole', { name: user.displayName ?? user.email })}
                            name="role"
                            id={`role-${user.id}`}
                            defaultValue={ROLES.find((r) => user.roles.includes(r)) ?? 'student'}
                            options={roleOptions}
                          />
                          <button className="ui-button ui-button-secondary" type="submit">
                            {t('changeRole')}
                            <span className="ui-visually-hidden"> {user.email}</span>
                          </button>
                        </form>
                        <form action={setUserStatus} className="inline">
                          <input type="hidden" name="userId" value={user.id} />
                          <input type="hidden" name="returnTo" value={here} />
                          <input
                            type="hidden"
                            name="action"
                            value={user.status === 'deactivated' ? 'reactivate' : 'deactivate'}
                          />
                          <button className="ui-button ui-button-secondary" type="submit">
                            {user.status === 'deactivated' ? t('reactivate') : t('deactivate')}
                            <span className="ui-visually-hidden"> {user.email}</span>
                          </button>
                        </form>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {answer.ok && answer.data.total > PAGE ? (
          <nav className="pager" aria-label={t('pages')}>
            {offset > 0 ? (
              <a href={`/users${query({ q, role, status, offset: Math.max(0, offset - PAGE) })}`}>
                {t('previous')}
              </a>
            ) : null}
            <span>
              {t('range', {
                from: offset + 1,
                to: Math.min(answer.data.total, offset + PAGE),
                total: answer.data.total,
              })}
            </span>
            {offset + PAGE < answer.data.total ? (
              <a href={`/users${query({ q, role, status, offset: offset + PAGE })}`}>{t('next')}</a>
            ) : null}
          </nav>
        ) : null}
      </Card>
    </>
  );
}
