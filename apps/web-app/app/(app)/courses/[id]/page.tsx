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
import { addItem, addModule, enroll, setCourseState, setModulePublished } from '@/lib/actions';
import { gql } from '@/lib/gateway';
import { isAdmin, requireViewer } from '@/lib/viewer';
import { Notices } from '../../notices';

export const metadata: Metadata = { title: 'Course' };

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
  const staff =
    course.myEnrollment?.role === 'teacher' || course.myEnrollment?.role === 'ta' || isAdmin(viewer);
  const roster = staff
    ? await gql<{ course: { roster: { userId: string; role: string; status: string }[] | null } }>('Roster', {
        id,
      })
    : null;
  const modules = course.modules ?? [];
  return (
    <>
      <h1 className="page-title">{course.title}</h1>
      <Notices params={await searchParams} errors={errors} />
      <p className="meta">
        {course.code}
        {course.term ? ` · ${course.term}` : ''} · <Badge>{course.state}</Badge>
      </p>
      {course.description ? <p>{course.description}</p> : null}
      {course.progress && course.myEnrollment?.role === 'student' ? (
        <ProgressBar percent={course.progress.percent} label="Course progress" />
      ) : null}
      {!course.myEnrollment && course.selfEnrollment && course.state === 'published' ? (
        <form action={enroll}>
          <input type="hidden" name="courseId" value={course.id} />
          <Button>Enrol in this course</Button>
        </form>
      ) : null}
      {staff ? (
        <Card title="Teach">
          <div className="row">
            <form action={setCourseState}>
              <input type="hidden" name="courseId" value={course.id} />
              {course.state === 'draft' ? (
                <Button name="state" value="published">
                  Publish course
                </Button>
              ) : course.state === 'published' ? (
                <Button variant="secondary" name="state" value="archived">
                  Archive course
                </Button>
              ) : null}
            </form>
          </div>
          <div className="row">
            <form action={addModule} aria-label="Add a module">
              <input type="hidden" name="courseId" value={course.id} />
              <TextField label="New module title" name="title" id="module-title" required />
              <Checkbox label="Published" name="published" id="module-published" defaultChecked />
              <Button variant="secondary">Add module</Button>
            </form>
            {modules.length ? (
              <form action={addItem} aria-label="Add an item">
                <input type="hidden" name="courseId" value={course.id} />
                <Select
                  label="Module"
                  name="moduleId"
                  options={modules.map((m) => ({ value: m.id, label: m.title }))}
                />
                <Select
                  label="Kind"
                  name="kind"
                  options={[
                    { value: 'page', label: 'Page' },
                    { value: 'link', label: 'Link' },
                  ]}
                />
                <TextField label="Item title" name="title" id="item-title" required />
                <TextField
                  label="Content (text, or the URL of a link)"
                  name="content"
                  id="item-content"
                  multiline
                />
                <Checkbox label="Published" name="published" id="item-published" defaultChecked />
                <Button variant="secondary">Add item</Button>
              </form>
            ) : null}
          </div>
        </Card>
      ) : null}
      <h2>Modules</h2>
      {course.modules === null ? <Alert kind="error">Modules are unavailable right now.</Alert> : null}
      {course.modules && modules.length === 0 ? <p className="meta">No modules yet.</p> : null}
      {modules.map((module) => (
        <Card
          key={module.id}
          title={
            <>
              {module.title} {module.locked ? <Badge tone="locked">Locked</Badge> : null}
              {!module.published ? <Badge>Unpublished</Badge> : null}
            </>
          }
          actions={
            staff ? (
              <form action={setModulePublished}>
                <input type="hidden" name="courseId" value={course.id} />
                <input type="hidden" name="moduleId" value={module.id} />
                <input type="hidden" name="published" value={String(!module.published)} />
                <Button variant="secondary">
                  {module.published ? 'Unpublish' : 'Publish'}{' '}
                  <span className="ui-visually-hidden">{module.title}</span>
                </Button>
              </form>
            ) : undefined
          }
        >
          {module.locked && module.lockExplanation ? (
            <LockNotice explanation={module.lockExplanation} />
          ) : null}
          <ul className="items">
            {module.items.map((item) => (
              <li key={item.id}>
                {module.locked ? (
                  <span>
                    {item.title} <Badge tone="locked">Locked</Badge>
                  </span>
                ) : (
                  <Link href={`/courses/${course.id}/items/${item.id}`}>{item.title}</Link>
                )}
                <span className="meta">{item.kind}</span>
                {item.completed ? <Badge tone="good">Done</Badge> : null}
                {!item.published ? <Badge>Unpublished</Badge> : null}
              </li>
            ))}
            {module.items.length === 0 ? <li className="meta">No items yet.</li> : null}
          </ul>
        </Card>
      ))}
      {roster?.data?.course?.roster ? (
        <Card title={`Roster (${roster.data.course.roster.length})`}>
          <table>
            <caption className="ui-visually-hidden">People in this course</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {roster.data.course.roster.map((entry) => (
                <tr key={entry.userId}>
                  <td>
                    <code>{entry.userId.slice(0, 8)}</code>
                  </td>
                  <td>{entry.role}</td>
                  <td>{entry.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      ) : null}
    </>
  );
}
