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
import { applyEnrollments, dryRunEnrollments } from '@/lib/roster-actions';
import { requireAdmin } from '@/lib/viewer';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('enrollmentImport'))('title') };
}

const LISTS = ['enrols', 'changes', 'removals', 'errors'] as const;
type List = (typeof LISTS)[number];
const FILES = ['users', 'classes', 'enrollments'] as const;

interface Entry {
  line: number;
  courseCode?: string;
  email?: string;
  role?: string;
  before?: { role: string; status: string };
  file?: string;
  reason?: string;
}
interface EnrollmentImport {
  id: string;
  hash: string;
  createdAt: string;
  appliedAt: string | null;
  counts: Record<'enrols' | 'changes' | 'removals' | 'unchanged' | 'errors', number>;
  result: {
    enrolled: number;
    waitlisted: number;
    changed: number;
    removed: number;
    removalsSkipped: number;
  } | null;
  list: List;
  total: number;
  items: Entry[];
}

/** OneRoster enrolments: users.csv, classes.csv and enrollments.csv, previewed, then applied as shown. */
export default async function RosterEnrollments({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const params = await searchParams;
  await requireAdmin('/roster/enrollments');
  const t = await getTranslations('enrollmentImport');
  const role = await getTranslations('enrollmentImport.roles');
  const format = await getFormatter();
  const fieldErrors = decodeFieldErrors(params.fe);
  const fileError = (name: string) =>
    fieldErrors[name] ? t(`fieldErrors.${ROSTER_FILE_ERRORS[fieldErrors[name]!] ?? 'notRoster'}`) : undefined;
  const state = rosterParams(params, LISTS);
  const { importId, list, offset } = state;
  const answer = importId
    ? await api<EnrollmentImport>(
        'GET',
        `course-service/roster-imports/${importId}${query({ list, limit: ROSTER_PAGE, offset })}`,
      )
    : undefined;
  const plan = answer?.ok ? answer.data : undefined;
  const here = rosterHref('/roster/enrollments', state);
  const roleName = (name: string | undefined) => (name && role.has(name) ? role(name) : (name ?? ''));
  return (
    <>
      <h1 className="page-title">{t('title')}</h1>
      <RosterTabs current="enrollments" />
      <Notices params={params} />
      <Card title={t('upload')}>
        <p>{t('uploadBody')}</p>
        <form action={dryRunEnrollments} noValidate>
          {FILES.map((name) => (
            <Field
              key={name}
              label={t(`files.${name}`)}
              name={name}
              type="file"
              required
              hint={t(`hints.${name}`)}
              error={fileError(name)}
            />
          ))}
          <Button>{t('preview')}</Button>
        </form>
      </Card>
      {answer && !answer.ok ? <Notice kind="error">{t('missing')}</Notice> : null}
      {plan ? (
        <>
          <Card title={plan.appliedAt ? t('appliedTitle') : t('planTitle')}>
            <p>
              {t('dryRunAt', {
                at: format.dateTime(new Date(plan.createdAt), { dateStyle: 'medium', timeStyle: 'short' }),
              })}
            </p>
            <RosterCounts messages="enrollmentImport" counts={plan.counts} />
            {plan.result ? (
              <Notice kind="success">
                {t('result', {
                  enrolled: plan.result.enrolled,
                  waitlisted: plan.result.waitlisted,
                  changed: plan.result.changed,
                  removed: plan.result.removed,
                  skipped: plan.result.removalsSkipped,
                })}
              </Notice>
            ) : (
              <RosterApply
                messages="enrollmentImport"
                action={applyEnrollments}
                id={plan.id}
                hash={plan.hash}
                removals={plan.counts.removals}
              />
            )}
          </Card>
          <Card title={t(`lists.${plan.list}`)}>
            <RosterLists
              messages="enrollmentImport"
              lists={LISTS}
              current={plan.list}
              counts={plan.counts}
              href={(name) => here({ list: name, offset: undefined })}
            />
            <RosterTable
              caption={t(`lists.${plan.list}`)}
              empty={t('empty')}
              columns={
                plan.list === 'errors'
                  ? [t('columns.line'), t('columns.file'), t('columns.reason')]
                  : [t('columns.line'), t('columns.course'), t('columns.email'), t('columns.role')]
              }
              rows={plan.items.map((entry) => ({
                key: `${entry.file ?? 'enrollments.csv'}-${entry.line}`,
                cells:
                  plan.list === 'errors'
                    ? [entry.line, entry.file, entry.reason]
                    : [
                        entry.line,
                        entry.courseCode,
                        entry.email,
                        entry.before
                          ? t('fromTo', { from: roleName(entry.before.role), to: roleName(entry.role) })
                          : roleName(entry.role),
                      ],
              }))}
            />
            <RosterPager total={plan.total} offset={offset} href={(to) => here({ offset: to })} />
          </Card>
        </>
      ) : null}
    </>
  );
}
