// content-service against real PostgreSQL and a real course-service started in-process: its
// HTTP app (to build courses, modules, items and enrolments) and its gRPC server (the
// CheckAccess content-service asks over a real channel). Tokens are signed with the course-
// service test key pair, which both services verify.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceApp, Sql } from '@eduspry/common';
import { serviceDb } from '@eduspry/common/testing';
import { createLocalStorage, type StorageProvider } from '@eduspry/storage';
import { verifierFrom } from '../../course-service/src/auth.ts';
import { startGrpcServer } from '../../course-service/src/grpc/server.ts';
import {
  authenticate,
  type Harness as CourseHarness,
  harness as courseHarness,
  type Json,
  type User,
} from '../../course-service/test/helpers.ts';
import { buildApp, type ContentApp } from '../src/app.ts';
import { readConfig } from '../src/config.ts';

export type { Json, User };

export interface Harness {
  course: CourseHarness;
  content: ServiceApp;
  sweep: ContentApp['sweep'];
  /** Consumes course-service's events from a bus (deleted items delete their files). */
  followCourseEvents: ContentApp['followCourseEvents'];
  sql: Sql;
  admin: Sql;
  storage: StorageProvider;
  storageRoot: string;
  uploadDir: string;
  grpcPort: number;
  call(
    user: User | undefined,
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'HEAD' | 'OPTIONS',
    url: string,
    options?: { payload?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: Json; raw: Buffer; headers: Record<string, unknown> }>;
  upload(
    user: User,
    url: string,
    file: { name: string; bytes: Buffer; contentType?: string },
  ): ReturnType<Harness['call']>;
  /** Every object under the storage root, as keys relative to it. */
  storedObjects(): Promise<string[]>;
  close(): Promise<void>;
}

export const PDF = (text = 'hello') =>
  Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${text}\n${'x'.repeat(2000)}\n%%EOF\n`);

/** A multipart/form-data body with one file part; the name travels as RFC 5987 `filename*`. */
export function multipart(name: string, bytes: Buffer, contentType = 'application/octet-stream') {
  const boundary = `----eduspry${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${encodeURIComponent(name)}\r\n` +
      `Content-Type: ${contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, bytes, tail]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

export async function harness(env: Record<string, string> = {}): Promise<Harness> {
  const course = await courseHarness();
  const grpc = await startGrpcServer({ sql: course.sql, authenticate, host: '127.0.0.1', port: 0 });
  const storageRoot = await mkdtemp(join(tmpdir(), 'eduspry-content-storage-'));
  const uploadDir = await mkdtemp(join(tmpdir(), 'eduspry-content-uploads-'));
  const sql = serviceDb('content-service');
  const storage = createLocalStorage({ root: storageRoot });
  const config = readConfig({
    NODE_ENV: 'test',
    DATABASE_URL: process.env.CONTENT_SERVICE_DATABASE_URL!,
    COURSE_SERVICE_GRPC: `127.0.0.1:${grpc.port}`,
    CONTENT_ACCESS_CACHE_MS: '0',
    CONTENT_UPLOAD_DIR: uploadDir,
    CONTENT_SIGNING_SECRET: 'test-signing-secret-of-at-least-32-characters',
    ...env,
  });
  const {
    app: content,
    sweep,
    followCourseEvents,
  } = await buildApp({
    sql,
    config,
    storage,
    verifier: verifierFrom(authenticate),
  });
  const call: Harness['call'] = async (user, method, url, options = {}) => {
    const response = await content.inject({
      method,
      url,
      headers: { ...(user ? { authorization: `Bearer ${user.token}` } : {}), ...options.headers },
      ...(options.payload === undefined ? {} : { payload: options.payload as never }),
    });
    const raw = response.rawPayload;
    const type = String(response.headers['content-type'] ?? '');
    return {
      status: response.statusCode,
      body: /json/.test(type) && raw.length ? JSON.parse(raw.toString()) : undefined,
      raw,
      headers: response.headers,
    };
  };
  return {
    course,
    content,
    sweep,
    followCourseEvents,
    sql,
    admin: course.admin,
    storage,
    storageRoot,
    uploadDir,
    grpcPort: grpc.port,
    call,
    async upload(user, url, file) {
      const { payload, contentType } = multipart(file.name, file.bytes, file.contentType);
      return call(user, 'POST', url, { payload, headers: { 'content-type': contentType } });
    },
    async storedObjects() {
      const entries = await readdir(storageRoot, { recursive: true, withFileTypes: true });
      return entries
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name).slice(storageRoot.length + 1))
        .sort();
    },
    async close() {
      await content.close();
      await grpc.close();
      await sql.end();
      await course.close();
      await rm(storageRoot, { recursive: true, force: true });
      await rm(uploadDir, { recursive: true, force: true });
    },
  };
}

/** A published course with an open and a locked module, each with a published file item, and an enrolled student. */
export async function courseWithItems(h: Harness) {
  // Its own tenant, so quota and files of one test never meet another's.
  const tenant = await h.course.newTenant();
  const teacher = await h.course.user(['instructor'], tenant);
  const created = await h.course.call(teacher, 'POST', '/courses', {
    code: `C-${Math.random().toString(36).slice(2, 8)}`,
    title: 'A course',
    selfEnrollment: true,
  });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  const course = (
    await h.course.call(teacher, 'PATCH', `/courses/${created.body.id}`, { state: 'published' })
  ).body;
  const module = async (title: string, fields: Record<string, unknown> = {}) => {
    const created = await h.course.call(teacher, 'POST', `/courses/${course.id}/modules`, {
      title,
      published: true,
      ...fields,
    });
    if (created.status !== 201) throw new Error(JSON.stringify(created.body));
    return created.body;
  };
  const item = async (moduleId: string, published = true) => {
    const created = await h.course.call(teacher, 'POST', `/courses/${course.id}/modules/${moduleId}/items`, {
      kind: 'file',
      title: 'Handout',
      fileId: crypto.randomUUID(),
      published,
    });
    if (created.status !== 201) throw new Error(JSON.stringify(created.body));
    return created.body;
  };
  const open = await module('Open');
  const later = await module('Later', { unlockAt: new Date(Date.now() + 86_400_000).toISOString() });
  const openItem = await item(open.id);
  const hiddenItem = await item(open.id, false);
  const lockedItem = await item(later.id);
  const student = await h.course.user(['student'], tenant);
  const enrolled = await h.course.call(student, 'POST', `/courses/${course.id}/enrollments`, {});
  if (enrolled.status !== 201) throw new Error(JSON.stringify(enrolled.body));
  return { tenant, course, teacher, student, openItem, hiddenItem, lockedItem };
}
