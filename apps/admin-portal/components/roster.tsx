import { Button } from '@eduspry/ui-components';
import Link from 'next/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';
import { query } from '@/lib/gateway';

/**
 * The parts both roster pages (users on /roster, enrolments on /roster/enrollments) share: the
 * tabs between them, a dry run's counts, the form that applies it, the links to its lists and the
 * pager. `messages` is the page's catalog namespace.
 */
type Messages = 'roster' | 'enrollmentImport';
export const ROSTER_PAGE = 50;
/** The field error codes of lib/roster-actions.ts (the query string's `fe`) → their messages. */
export const ROSTER_FILE_ERRORS: Record<string, 'required' | 'tooBig' | 'encoding' | 'notRoster'> = {
  required: 'required',
  'too-big': 'tooBig',
  encoding: 'encoding',
  'not-roster': 'notRoster',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The dry run, list and offset a roster page's address names (anything malformed ignored). */
export function rosterParams<List extends string>(
  params: Record<string, string | undefined>,
  lists: readonly List[],
) {
  const importId = params.import && UUID.test(params.import) ? params.import : undefined;
  const list = lists.find((l) => l === params.list) ?? lists[0]!;
  const offset = Math.max(0, Math.min(100_000, Number.parseInt(params.offset ?? '0', 10) || 0));
  return { importId, list, offset };
}

export async function RosterTabs({ current }: { current: 'users' | 'enrollments' }) {
  const t = await getTranslations('rosterTabs');
  return (
    <nav aria-label={t('label')} className="filters">
      <Link href="/roster" aria-current={current === 'users' ? 'page' : undefined}>
        {t('users')}
      </Link>
      <Link href="/roster/enrollments" aria-current={current === 'enrollments' ? 'page' : undefined}>
        {t('enrollments')}
      </Link>
    </nav>
  );
}

export async function RosterCounts<Name extends string>({
  messages,
  counts,
}: {
  messages: Messages;
  counts: Record<Name, number>;
}) {
  const t = await getTranslations(messages);
  const format = await getFormatter();
  return (
    <dl className="roster-counts">
      {(Object.keys(counts) as Name[]).map((name) => (
        <div key={name}>
          <dt>{t(`counts.${name}` as never)}</dt>
          <dd>{format.number(counts[name])}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Applies exactly the dry run shown (its id and hash); removals only with the box ticked. */
export async function RosterApply({
  messages,
  action,
  id,
  hash,
  removals,
}: {
  messages: Messages;
  action: (form: FormData) => Promise<void>;
  id: string;
  hash: string;
  removals: number;
}) {
  const t = await getTranslations(messages);
  return (
    <form action={action}>
      <input type="hidden" name="importId" value={id} />
      <input type="hidden" name="hash" value={hash} />
      {removals > 0 ? (
        <div className="ui-field roster-remove">
          <input type="checkbox" id="roster-remove" name="remove" value="yes" />
          <label htmlFor="roster-remove">{t('alsoRemove', { count: removals })}</label>
        </div>
      ) : null}
      <p>{t('applyBody')}</p>
      <Button>{t('apply')}</Button>
    </form>
  );
}

/** The links to a dry run's lists, each with its count. */
export async function RosterLists<List extends string>({
  messages,
  lists,
  current,
  counts,
  href,
}: {
  messages: Messages;
  lists: readonly List[];
  current: List;
  counts: Record<List, number>;
  href: (list: List) => string;
}) {
  const t = await getTranslations(messages);
  const format = await getFormatter();
  return (
    <nav aria-label={t('listsLabel')} className="filters">
      {lists.map((name) => (
        <Link key={name} href={href(name)} aria-current={name === current ? 'page' : undefined}>
          {t(`lists.${name}` as never)} ({format.number(counts[name])})
        </Link>
      ))}
    </nav>
  );
}

/** Previous / next pages of a list longer than one page. */
export async function RosterPager({
  total,
  offset,
  href,
}: {
  total: number;
  offset: number;
  href: (offset: number | undefined) => string;
}) {
  if (total <= ROSTER_PAGE) return null;
  const t = await getTranslations('roster');
  const format = await getFormatter();
  return (
    <nav aria-label={t('pages')} className="pager">
      {offset > 0 ? (
        <Link href={href(Math.max(0, offset - ROSTER_PAGE) || undefined)}>{t('previous')}</Link>
      ) : null}
      <span>
        {t('showing', {
          from: format.number(offset + 1),
          to: format.number(Math.min(offset + ROSTER_PAGE, total)),
          total: format.number(total),
        })}
      </span>
      {offset + ROSTER_PAGE < total ? <Link href={href(offset + ROSTER_PAGE)}>{t('next')}</Link> : null}
    </nav>
  );
}

/** The address of a roster page's dry run, list and page. */
export function rosterHref(
  path: string,
  state: { importId?: string | undefined; list: string; offset: number },
) {
  return (changes: Record<string, string | number | undefined>) =>
    `${path}${query({ import: state.importId, list: state.list, offset: state.offset || undefined, ...changes })}`;
}

/** One page of a dry run's list: a row of cells per entry, under the list's column names. */
export function RosterTable({
  caption,
  empty,
  columns,
  rows,
}: {
  caption: string;
  empty: string;
  columns: string[];
  rows: { key: string; cells: ReactNode[] }[];
}) {
  if (rows.length === 0) return <p>{empty}</p>;
  return (
    <table>
      <caption className="ui-visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {columns.map((name) => (
            <th key={name} scope="col">
              {name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            {row.cells.map((cell, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a row's cells are fixed columns
              <td key={index}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
