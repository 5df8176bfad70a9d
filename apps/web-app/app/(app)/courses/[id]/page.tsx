import { isCourseStaffRole } from '@eduspry/contracts/roles';
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  LockNotice,
  ProgressBar,
  Select,
  TextField,
} from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { addItem, addModule, announce, enroll, setCourseState, setModulePublished } from '@/lib/actions';
import { gql } from '@/lib/gateway';
import { isAdmin, requireViewer } from '@/lib/viewer';
import { label, lockExplanation } from '@/lib/words';
import { Activity } from '../../activity';
import { CourseLive } from '../../live';
import { Notices } from '../../notices';
import { Person, rosterNames } from '../../person';
import { FileItemForm } from './file-item-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('course'))('title') };
}

interface Module {
  id: string;
  title: string;
  published: boolean;
  locked: boolean;
  lockReason: string | null;
  lockExplanation: string | null;
  progress: { percent: number };
  items: { id: string; title: string; kind: string; published: boolean; completed: boolean }[];
}
interface Course {
  id: string;
  code: string;
  title: string;
  description: string;
  term: string | null;
  state: string;
  selfEnrollment: boolean;
  myEnrollment: { role: string; status: string } | null;
  progress: { percent: number; completed: number; total: number } | null;
  modules: Module[] | null;
}

export default async function CoursePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { id } = await params;
  const { data, errors } = await gql<{ course: Course | null }>('CoursePage', { id });
  const course = data?.course;
  if (!course) {
    if (errors.length) throw new Error(errors[0]!.message);
    notFound();
  }
  const viewer = await requireViewer();
  const t = await getTranslations();
  const staff = isCourseStaffRole(course.myEnrollment?.role) || isAdmin(viewer);
  const roster = staff
    ? await gql<{
        course: {
          roster: { userId: string; displayName: string | null; role: string; status: string }[] | null;
        };
      }>('Roster', { id })
    : null;
  const names = rosterNames(roster?.data?.course?.roster);
  const modules = course.modules ?? [];
  return (
    <>
      <h1 className="page-title">{course.title}</h1>
      <Notices params={await searchParams} errors={errors} />
      <p className="meta">
        {course.code}
        {course.term ? ` · ${course.term}` : ''} · <Badge>{label(t, 'states', course.state)}</Badge>
      </p>
      {course.description ? <p>{course.description}</p> : null}
      {course.myEnrollment?.status === 'active' ? (
        <>
          <CourseLive
            courseId={course.id}
            me={{ id: viewer.id, name: viewer.displayName, role: course.myEnrollment.role }}
          />
          <Activity courseId={course.id} />
        </>
      ) : null}
      {course.progress && course.myEnrollment?.role === 'student' ? (
        <ProgressBar
          percent={course.progress.percent}
          label={t('course.progress')}
          valueText={t('common.percentComplete', { percent: Math.round(course.progress.percent) })}
        />
      ) : null}
      {!staff && course.myEnrollment?.status === 'active' ? (
        <p>
          <Link href={`/courses/${course.id}/gradebook`}>{t('course.myGrades')}</Link>
        </p>
      ) : null}
      {!course.myEnrollment && course.selfEnrollment && course.state === 'published' ? (
        <form action={enroll}>
          <input type="hidden" name="courseId" value={course.id} />
          <Button>{t('course.enrol')}</Button>
        </form>
      ) : null}
      {staff ? (
        <Card title={t('course.teach')}>
          <p>
            <Link href={`/courses/${course.id}/analytics`}>{t('course.analytics')}</Link>
          </p>
          <p>
            <Link href={`/courses/${course.id}/grading`}>{t('course.grading')}</Link> ·{' '}
            <Link href={`/courses/${course.id}/gradebook`}>{t('course.gradebook')}</Link>
          </p>
          <p>
            <Link href={`/courses/${course.id}/quizzes/new`}>{t('quizBuilder.link')}</Link>
          </p>
          <div className="row">
            <form action={setCourseState}>
              <input type="hidden" name="courseId" value={course.id} />
              {course.state === 'draft' ? (
                <Button name="state" value="published">
                  {t('course.publish')}
                </Button>
              ) : course.state === 'published' ? (
                <Button variant="secondary" name="state" value="archived">
                  {t('course.archive')}
                </Button>
              ) : null}
            </form>
          </div>
          <div className="row">
            <form action={addModule} aria-label={t('course.addModuleForm')}>
              <input type="hidden" name="courseId" value={course.id} />
              <TextField label={t('course.newModuleTitle')} name="title" id="module-title" required />
              <Checkbox label={t('course.published')} name="published" id="module-published" defaultChecked />
              <Button variant="secondary">{t('course.addModule')}</Button>
            </form>
            {modules.length ? (
              <form action={addItem} aria-label={t('course.addItemForm')}>
                <input type="hidden" name="courseId" value={course.id} />
                <Select
                  label={t('course.module')}
                  name="moduleId"
                  options={modules.map((m) => ({ value: m.id, label: m.title }))}
                />
                <Select
                  label={t('course.kind')}
                  name="kind"
                  options={['page', 'link'].map((kind) => ({ value: kind, label: label(t, 'kinds', kind) }))}
                />
                <TextField label={t('course.itemTitle')} name="title" id="item-title" required />
                <TextField label={t('course.content')} name="content" id="item-content" multiline />
                <Checkbox label={t('course.published')} name="published" id="item-published" defaultChecked />
                <Button variant="secondary">{t('course.addItem')}</Button>
              </form>
            ) : null}
            {modules.length ? (
              <FileItemForm
                courseId={course.id}
                modules={modules.map((m) => ({ id: m.id, title: m.title }))}
              />
            ) : null}
          </div>
          <form action={announce} aria-label={t('course.announceForm')}>
            <input type="hidden" name="courseId" value={course.id} />
            <TextField label={t('course.announcementTitle')} name="title" id="announcement-title" required />
            <TextField label={t('course.announcementBody')} name="body" id="announcement-body" multiline />
            <Button variant="secondary">{t('course.announce')}</Button>
          </form>
        </Card>
      ) : null}
      <h2>{t('course.modules')}</h2>
      {course.modules === null ? <Alert kind="error">{t('course.modulesUnavailable')}</Alert> : null}
      {course.modules && modules.length === 0 ? <p className="meta">{t('course.noModules')}</p> : null}
      {modules.map((module) => (
        <Card
          key={module.id}
          title={
            <>
              {module.title} {module.locked ? <Badge tone="locked">{t('common.locked')}</Badge> : null}
              {!module.published ? <Badge>{t('common.unpublished')}</Badge> : null}
            </>
          }
          actions={
            staff ? (
              <form action={setModulePublished}>
                <input type="hidden" name="courseId" value={course.id} />
                <input type="hidden" name="moduleId" value={module.id} />
                <input type="hidden" name="published" value={String(!module.published)} />
                <Button variant="secondary">
                  {module.published ? t('course.unpublishModule') : t('course.publishModule')}{' '}
                  <span className="ui-visually-hidden">{module.title}</span>
                </Button>
              </form>
            ) : undefined
          }
        >
          {module.locked ? (
            <LockNotice lead={t('common.lockedLead')} explanation={lockExplanation(t, module.lockReason)} />
          ) : null}
          <ul className="items">
            {module.items.map((item) => (
              <li key={item.id}>
                {module.locked ? (
                  <span>
                    {item.title} <Badge tone="locked">{t('common.locked')}</Badge>
                  </span>
                ) : (
                  <Link href={`/courses/${course.id}/items/${item.id}`}>{item.title}</Link>
                )}
                <span className="meta">{label(t, 'kinds', item.kind)}</span>
                {item.completed ? <Badge tone="good">{t('common.done')}</Badge> : null}
                {!item.published ? <Badge>{t('common.unpublished')}</Badge> : null}
              </li>
            ))}
            {module.items.length === 0 ? <li className="meta">{t('course.noItems')}</li> : null}
          </ul>
        </Card>
      ))}
      {roster?.data?.course?.roster ? (
        <Card title={t('course.roster', { count: roster.data.course.roster.length })}>
          <table>
            <caption className="ui-visually-hidden">{t('course.rosterCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('course.user')}</th>
                <th scope="col">{t('course.role')}</th>
                <th scope="col">{t('course.status')}</th>
              </tr>
            </thead>
            <tbody>
              {roster.data.course.roster.map((entry) => (
                <tr key={entry.userId}>
                  <td>
                    <Person id={entry.userId} names={names} />
                  </td>
                  <td>{label(t, 'roles', entry.role)}</td>
                  <td>{label(t, 'statuses', entry.status)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      ) : null}
    </>
  );
}
