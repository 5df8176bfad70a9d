import { Button, Card } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import { getFormatter, getTranslations } from 'next-intl/server';
import { Field, Notice } from '@/components/field';
import { Notices } from '@/components/notices';
import {
  ROSTER_FILE_ERRORS,
  ROSTER_PAGE,
  RosterApply,
  RosterCounts,
  RosterLists,
  RosterPager,
  RosterTable,
  RosterTabs,
  rosterHref,
  rosterParams,
} from '@/components/roster';
import { decodeFieldErrors } from '@/lib/forms';
import { api, query } from '@/lib/gateway';
import { applyRoster, dryRunRoster } from '@/lib/roster-actions';
import { requireAdmin } from '@/lib/viewer';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('roster'))('title') };
}

const LISTS = ['creates', 'changes', 'removals', 'errors'] as const;
type List = (typeof LISTS)[number];

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
    ? t(`fieldErrors.${ROSTER_FILE_ERRORS[fieldErrors.users] ?? 'notRoster'}`)
    : undefined;
  const state = rosterParams(params, LISTS);
  const { importId, list, offset } = state;
  const answer = importId
    ? await api<RosterImport>(
        'GET',
        `auth-service/tenants/${who.tenantId}/roster-imports/${importId}${query({ list, limit: ROSTER_PAGE, offset })}`,
      )
    : undefined;
  const roster = answer?.ok ? answer.data : undefined;
  const here = rosterHref('/roster', state);
  const roles = (names: string[] | undefined) =>
    (names ?? []).map((name) => (roleName.has(name) ? roleName(name) : name)).join(', ');
  return (
    <>
      <h1 className="page-title">{t('title')}</h1>
      <RosterTabs current="users" />
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
            <RosterCounts messages="roster" counts={roster.counts} />
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
              <RosterApply
                messages="roster"
                action={applyRoster}
                id={roster.id}
                hash={roster.hash}
                removals={roster.counts.removals}
              />
            )}
          </Card>
          <Card title={t(`lists.${roster.list}`)}>
            <RosterLists
              messages="roster"
              lists={LISTS}
              current={roster.list}
              counts={roster.counts}
              href={(name) => here({ list: name, offset: undefined })}
            />
            <RosterTable
              caption={t(`lists.${roster.list}`)}
              empty={t('empty')}
              columns={
                roster.list === 'errors'
                  ? [t('columns.line'), t('columns.file'), t('columns.reason')]
                  : [t('columns.line'), t('columns.email'), t('columns.name'), t('columns.roles')]
              }
              rows={roster.items.map((entry, index) => ({
                key: `${entry.line ?? 'x'}-${entry.email ?? index}`,
                cells:
                  roster.list === 'errors'
                    ? [entry.line, entry.file, entry.reason]
                    : roster.list === 'changes'
                      ? [
                          entry.line,
                          entry.email,
                          `${
                            entry.before?.displayName === entry.after?.displayName
                              ? entry.after?.displayName
                              : t('fromTo', {
                                  from: entry.before?.displayName ?? '',
                                  to: entry.after?.displayName ?? '',
                                })
                          }${entry.before?.status !== entry.after?.status ? ` (${t('reactivated')})` : ''}`,
                          roles(entry.before?.roles) === roles(entry.after?.roles)
                            ? roles(entry.after?.roles)
                            : t('fromTo', {
                                from: roles(entry.before?.roles),
                                to: roles(entry.after?.roles),
                              }),
                        ]
                      : [entry.line ?? t('notInFile'), entry.email, entry.displayName, roles(entry.roles)],
              }))}
            />
            <RosterPager total={roster.total} offset={offset} href={(to) => here({ offset: to })} />
          </Card>
        </>
      ) : null}
    </>
  );
}
