import { Button, Card, Checkbox, TextField } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import { createCourse } from '@/lib/actions';
import { Notices } from '../../notices';

export const metadata: Metadata = { title: 'New course' };

export default async function NewCourse({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  return (
    <>
      <h1 className="page-title">New course</h1>
      <Notices params={await searchParams} />
      <Card>
        <form action={createCourse}>
          <TextField label="Code" name="code" required hint="Unique in your school, e.g. BIO-101" />
          <TextField label="Title" name="title" required />
          <TextField label="Description" name="description" multiline />
          <TextField label="Term" name="term" hint="e.g. 2026-fall" />
          <TextField label="Capacity" name="capacity" type="number" hint="Leave empty for no limit" />
          <Checkbox label="Students may enrol themselves" name="selfEnrollment" defaultChecked />
          <Button>Create draft course</Button>
        </form>
      </Card>
    </>
  );
}
