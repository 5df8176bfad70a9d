import type { AddressInfo } from 'node:net';
import type { ProviderVerification } from '@eduspry/contracts/pact-testing';
import { changeCourse, createCourse } from '../src/domain/courses.ts';
import { enroll } from '../src/domain/enrollments.ts';
import { addItem, removeItem } from '../src/domain/items.ts';
import { addModule } from '../src/domain/modules.ts';
import { markItemComplete } from '../src/domain/progress.ts';
import { outboxEvents } from '../src/events.ts';
import { type Harness, harness, type User } from './helpers.ts';

/**
 * course-service as its pacts' provider: the real app (buildApp on the test database, listening
 * on a free port) and the provider states its consumers name, each set up through the service's
 * own use cases in a tenant of its own. The caller of each interaction is the state's user: the
 * request filter swaps the consumer's placeholder token for theirs.
 */
export interface CourseProvider {
  h: Harness;
  baseUrl: string;
  verification: Required<
    Pick<ProviderVerification, 'provider' | 'stateHandlers' | 'requestFilter' | 'messageProviders'>
  >;
  close(): Promise<void>;
}

const code = () => `P-${Math.random().toString(36).slice(2, 10)}`;

export async function startCourseProvider(): Promise<CourseProvider> {
  const h = await harness();
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  const ctx = { sql: h.sql, events: outboxEvents };
  let caller: User | undefined;
  /** The last state's values, for text bodies (CSV) where Pact has no provider-state expressions. */
  let values: Record<string, string> = {};

  async function world({ publish = true, module = false, enrolled = false } = {}) {
    const tenant = await h.newTenant();
    const teacher = await h.user(['instructor'], tenant);
    const student = await h.user(['student'], tenant);
    const course = await createCourse(ctx, teacher.claims, {
      code: code(),
      title: 'Contracts',
      selfEnrollment: true,
    });
    if (publish) await changeCourse(ctx, teacher.claims, course.id, { state: 'published' });
    let itemId: string | undefined;
    if (module) {
      const added = await addModule(ctx, teacher.claims, course.id, { title: 'Week 1', published: true });
      const item = await addItem(
        ctx,
        teacher.claims,
        { courseId: course.id, moduleId: added.id },
        { kind: 'page', title: 'Read me', body: 'Hello', published: true },
      );
      itemId = item.id;
    }
    if (enrolled) await enroll(ctx, student.claims, course.id, {});
    return { teacher, student, courseId: course.id as string, ...(itemId ? { itemId } : {}) };
  }

  /** The last event course-service wrote to its outbox for the tenant: what the relay publishes. */
  async function lastEvent(tenantId: string, eventType: string) {
    const [row] = await h.admin<{ payload: Record<string, unknown> }[]>`
      select payload from course.outbox where tenant_id = ${tenantId} and event_type = ${eventType}
      order by id desc limit 1`;
    if (!row) throw new Error(`course-service wrote no ${eventType}`);
    return row.payload;
  }

  return {
    h,
    baseUrl,
    verification: {
      provider: 'course-service',
      requestFilter: (request, _response, next) => {
        if (caller) request.headers.authorization = `Bearer ${caller.token}`;
        // A text body arrives raw (a Buffer): `${name}` in it is filled from the state, as Pact's
        // generators do for paths and JSON bodies.
        if (Buffer.isBuffer(request.body) && request.body.length) {
          const text = request.body
            .toString('utf8')
            .replace(/\$\{(\w+)\}/g, (whole: string, name: string) => values[name] ?? whole);
          request.body = Buffer.from(text);
          request.headers['content-length'] = String(request.body.length);
        }
        next();
      },
      stateHandlers: {
        'an instructor': async () => {
          caller = await h.user(['instructor'], await h.newTenant());
          return {};
        },
        'an instructor with a draft course': async () => {
          const { teacher, courseId } = await world({ publish: false });
          caller = teacher;
          return { courseId };
        },
        'a student enrolled in a published course': async () => {
          const { student, courseId } = await world({ enrolled: true });
          caller = student;
          return { courseId };
        },
        'a student enrolled in a published course with a published module': async () => {
          const { student, courseId, itemId } = await world({ enrolled: true, module: true });
          caller = student;
          return { courseId, itemId: itemId! };
        },
        'a student not enrolled in a published course with a published module': async () => {
          const { student, courseId, itemId } = await world({ module: true });
          caller = student;
          return { courseId, itemId: itemId! };
        },
        'a student and a published self-enrolment course': async () => {
          const { student, courseId } = await world();
          caller = student;
          return { courseId };
        },
        'a tenant admin, a course coded PACT-ROSTER and a registered student': async () => {
          const tenant = await h.newTenant();
          const admin = await h.user(['tenant_admin'], tenant);
          await createCourse(ctx, admin.claims, {
            code: 'PACT-ROSTER',
            title: 'Roster',
            selfEnrollment: false,
          });
          const student = await h.user(['student'], tenant);
          caller = admin;
          values = { studentId: student.id };
          return values;
        },
        'an instructor with a course a student is enrolled in': async () => {
          const { teacher, courseId } = await world({ enrolled: true });
          caller = teacher;
          return { courseId };
        },
      },
      messageProviders: {
        'an enrollment_changed event for a student who enrolled': async () => {
          const { student } = await world({ enrolled: true });
          return lastEvent(student.claims.app_metadata.tenant_id, 'course.management.enrollment_changed');
        },
        'an item_completed event for a student who finished a page': async () => {
          const { student, courseId, itemId } = await world({ module: true, enrolled: true });
          await markItemComplete(ctx, student.claims, courseId, itemId!);
          return lastEvent(student.claims.app_metadata.tenant_id, 'course.progress.item_completed');
        },
        'an item_deleted event for an item its teacher deleted': async () => {
          const { teacher, courseId, itemId } = await world({ module: true });
          await removeItem(ctx, teacher.claims, { courseId, itemId: itemId! });
          return lastEvent(teacher.claims.app_metadata.tenant_id, 'course.management.item_deleted');
        },
        'a schedule_changed event for a published module with an unlock date': async () => {
          const { teacher, courseId } = await world();
          const module = await addModule(ctx, teacher.claims, courseId, {
            title: 'Week 1',
            published: true,
            unlockAt: '2026-09-01T08:00:00.000Z',
          });
          await addItem(
            ctx,
            teacher.claims,
            { courseId, moduleId: module.id },
            { kind: 'page', title: 'Read me', body: 'Hello', published: true },
          );
          return lastEvent(teacher.claims.app_metadata.tenant_id, 'course.management.schedule_changed');
        },
      },
    },
    async close() {
      await h.close();
    },
  };
}
