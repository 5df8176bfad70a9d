import { Button, Card } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import { Field, Notice } from '@/components/field';
import { Notices } from '@/components/notices';
import { decodeFieldErrors } from '@/lib/forms';
import { api, query } from '@/lib/gateway';
import { applyRoster, dryRunRoster } from '@/lib/roster-actions';
import { requireAdmin } from '@/lib/viewer';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('roster'))('title') };
}

const LISTS = ['creates', 'changes', 'removals', 'errors'] as const;
type List = (typeof LISTS)[number];
const PAGE = 50;
/** The field error codes of lib/roster-actions.ts (the query string's `fe`) → their messages. */
const FILE_ERRORS: Record<string, 'required' | 'tooBig' | 'encoding' | 'notRoster'> = {
  required: 'required',
  'too-big': 'tooBig',
  encoding: 'encoding',
  'not-roster': 'notRoster',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface UserState {
  displayName: string;
  roles: string[];
  status: string;
}
interface Entry {
  line?: number | null;
  sourcedId?: string;
  email?: string;
  displayName?: string;
  roles?: string[];
  before?: UserState;
  after?: UserState;
  file?: string;
  reason?: string;
}
interface RosterImport {
  id: string;
  hash: string;
  createdAt: string;
  appliedAt: string | null;
  counts: Record<'creates' | 'changes' | 'removals' | 'unchanged' | 'errors', number>;
  result: { created: number; changed: number; removed: number; removalsSkipped: number } | null;
  list: List;
  total: number;
  items: Entry[];
}

export default async function Roster({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const params = await searchParams;
  const who = await requireAdmin('/roster');
  const t = await getTranslations('roster');
  const roleName = await getTranslations('roles');
  const format = await getFormatter();
  const fieldErrors = decodeFieldErrors(params.fe);
  const fileError = fieldErrors.users
    ? t(`fieldErrors.${FILE_ERRORS[fieldErrors.users] ?? 'notRoster'}`)
    : undefined;
  const importId = params.import && UUID.test(params.import) ? params.import : undefined;
  const list = LISTS.find((l) => l === params.list) ?? 'creates';
  const offset = Math.max(0, Math.min(100_000, Number.parseInt(params.offset ?? '0', 10) || 0));
  const answer = importId
    ? await api<RosterImport>(
        'GET',
        `auth-service/tenants/${who.tenantId}/roster-imports/${importId}${query({ list, limit: PAGE, offset })}`,
      )
    : undefined;
  const roster = answer?.ok ? answer.data : undefined;
  const here = (changes: Record<string, string | number | undefined>) =>
    `/roster${query({ import: importId, list, offset: offset || undefined, ...changes })}`;
  const roles = (names: string[] | undefined) =>
    (names ?? []).map((name) => (roleName.has(name) ? roleName(name) : name)).join(', ');
  return (
    <>
      <h1 className="page-title">{t('title')}</h1>
      <Notices params={params} />
      <Card title={t('upload')}>
        <p>{t('uploadBody')}</p>
        <form action={dryRunRoster} noValidate>
          <Field label={t('file')} name="users" type="file" required hint={t('fileHint')} error={fileError} />
          <Button>{t('preview')}</Button>
        </form>
      </Card>
      {answer && !answer.ok ? <Notice kind="error">{t('missing')}</Notice> : null}
      {roster ? (
        <>
          <Card title={roster.appliedAt ? t('appliedTitle') : t('diffTitle')}>
            <p>
              {t('dryRunAt', {
                at: format.dateTime(new Date(roster.createdAt), { dateStyle: 'medium', timeStyle: 'short' }),
              })}
            </p>
            <dl className="roster-counts">
              {(['creates', 'changes', 'removals', 'unchanged', 'errors'] as const).map((name) => (
                <div key={name}>
                  <dt>{t(`counts.${name}`)}</dt>
                  <dd>{format.number(roster.counts[name])}</dd>
                </div>
              ))}
            </dl>
            {roster.result ? (
              <Notice kind="success">
                {t('result', {
                  created: roster.result.created,
                  changed: roster.result.changed,
                  removed: roster.result.removed,
                  skipped: roster.result.removalsSkipped,
                })}
              </Notice>
            ) : (
              <form action={applyRoster}>
                <input type="hidden" name="importId" value={roster.id} />
                <input type="hidden" name="hash" value={roster.hash} />
                {roster.counts.removals > 0 ? (
                  <div className="ui-field roster-remove">
                    <input type="checkbox" id="roster-remove" name="remove" value="yes" />
                    <label htmlFor="roster-remove">
                      {t('alsoRemove', { count: roster.counts.removals })}
                    </label>
                  </div>
                ) : null}
                <p>{t('applyBody')}</p>
                <Button>{t('apply')}</Button>
              </form>
            )}
          </Card>
          <Card title={t(`lists.${roster.list}`)}>
            <nav aria-label={t('listsLabel')} className="filters">
              {LISTS.map((name) => (
                <Link
                  key={name}
                  href={here({ list: name, offset: undefined })}
                  aria-current={name === roster.list ? 'page' : undefined}
                >
                  {t(`lists.${name}`)} ({format.number(roster.counts[name])})
                </Link>
              ))}
            </nav>
            {roster.items.length === 0 ? (
              <p>{t('empty')}</p>
            ) : (
              <table>
                <caption className="ui-visually-hidden">{t(`lists.${roster.list}`)}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('columns.line')}</th>
                    {roster.list === 'errors' ? (
                      <>
                        <th scope="col">{t('columns.file')}</th>
                        <th scope="col">{t('columns.reason')}</th>
                      </>
                    ) : (
                      <>
                        <th scope="col">{t('columns.email')}</th>
                        <th scope="col">{t('columns.name')}</th>
                        <th scope="col">{t('columns.roles')}</th>
                      </>
                    )}
                  </tr>
                </thead>
                <tbody>
                  {roster.items.map((entry, index) => (
                    <tr key={`${entry.line ?? 'x'}-${entry.email ?? index}`}>
                      <td>{entry.line ?? t('notInFile')}</td>
                      {roster.list === 'errors' ? (
                        <>
                          <td>{entry.file}</td>
                          <td>{entry.reason}</td>
                        </>
                      ) : roster.list === 'changes' ? (
                        <>
                          <td>{entry.email}</td>
                          <td>
                            {entry.before?.displayName === entry.after?.displayName
                              ? entry.after?.displayName
                              : t('fromTo', {
                                  from: entry.before?.displayName ?? '',
                                  to: entry.after?.displayName ?? '',
                                })}
                            {entry.before?.status !== entry.after?.status ? ` (${t('reactivated')})` : ''}
                          </td>
                          <td>
                            {roles(entry.before?.roles) === roles(entry.after?.roles)
                              ? roles(entry.after?.roles)
                              : t('fromTo', {
                                  from: roles(entry.before?.roles),
                                  to: roles(entry.after?.roles),
                                })}
                          </td>
                        </>
                      ) : (
                        <>
                          <td>{entry.email}</td>
                          <td>{entry.displayName}</td>
                          <td>{roles(entry.roles)}</td>
                        </>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {roster.total > PAGE ? (
              <nav aria-label={t('pages')} className="pager">
                {offset > 0 ? (
                  <Link href={here({ offset: Math.max(0, offset - PAGE) || undefined })}>
                    {t('previous')}
                  </Link>
                ) : null}
                <span>
                  {t('showing', {
                    from: format.number(offset + 1),
                    to: format.number(Math.min(offset + PAGE, roster.total)),
                    total: format.number(roster.total),
                  })}
                </span>
                {offset + PAGE < roster.total ? (
                  <Link href={here({ offset: offset + PAGE })}>{t('next')}</Link>
                ) : null}
              </nav>
            ) : null}
          </Card>
        </>
      ) : null}
    </>
  );
}
