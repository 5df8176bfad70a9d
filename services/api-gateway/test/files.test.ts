import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  bearerToken,
  createTokenVerifier,
  type ServiceApp,
  type Sql,
  type TokenVerifier,
  unauthorized,
} from '@eduspry/common';
import { serviceDb } from '@eduspry/common/testing';
import { OPERATIONS } from '@eduspry/contracts/graphql-operations';
import { createLocalStorage } from '@eduspry/storage';
import { buildApp as buildContent } from '../../content-service/src/app.ts';
import { readConfig as readContentConfig } from '../../content-service/src/config.ts';
import { multipart, PDF } from '../../content-service/test/helpers.ts';
import { startGrpcServer } from '../../course-service/src/grpc/server.ts';
import { buildApp, upstreamsFrom } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { createLoaders } from '../src/graphql/context.ts';
import { type Json, type Platform, startPlatform } from './helpers.ts';

// content-service as its main.ts builds it (its own role, RLS, CheckAccess over course-service's
// real gRPC server), listening on a free port, behind the gateway with auth and course-service.
// The gRPC server and content-service start first (the gateway needs their addresses); their
// token verifier is bound once auth-service is up.
let p: Platform;
let content: ServiceApp;
let contentSql: Sql;
let courseGrpcSql: Sql;
let grpcServer: { port: number; close: () => Promise<void> };
let verifier: TokenVerifier;
let storageRoot: string;
let uploadDir: string;
const ISSUER = 'http://auth.gateway-test.eduspry';
const FILE_FIELDS = 'file { id name mediaType size version url expiresAt }';

before(async () => {
  const authenticate = async (header: string | undefined) => {
    const token = bearerToken(header);
    if (!token) throw unauthorized();
    return verifier.verify(token);
  };
  courseGrpcSql = serviceDb('course-service');
  grpcServer = await startGrpcServer({ sql: courseGrpcSql, authenticate, host: '127.0.0.1', port: 0 });
  storageRoot = await mkdtemp(join(tmpdir(), 'eduspry-gateway-files-'));
  uploadDir = await mkdtemp(join(tmpdir(), 'eduspry-gateway-uploads-'));
  contentSql = serviceDb('content-service');
  ({ app: content } = await buildContent({
    sql: contentSql,
    storage: createLocalStorage({ root: storageRoot }),
    verifier: { verify: (token) => verifier.verify(token) },
    config: readContentConfig({
      NODE_ENV: 'test',
      DATABASE_URL: process.env.CONTENT_SERVICE_DATABASE_URL!,
      COURSE_SERVICE_GRPC: `127.0.0.1:${grpcServer.port}`,
      CONTENT_ACCESS_CACHE_MS: '0',
      CONTENT_UPLOAD_DIR: uploadDir,
      CONTENT_SIGNING_SECRET: 'gateway-test-signing-secret-of-32-characters',
      CONTENT_PUBLIC_URL: 'http://content.gateway-test',
    }),
  }));
  const contentUrl = await content.listen({ host: '127.0.0.1', port: 0 });
  p = await startPlatform({ CONTENT_SERVICE_URL: contentUrl, GATEWAY_UPSTREAM_ATTEMPTS: '1' });
  const authUrl = `http://127.0.0.1:${(p.auth.server.address() as { port: number }).port}`;
  verifier = createTokenVerifier({
    jwksUrl: `${authUrl}/.well-known/jwks.json`,
    issuer: ISSUER,
    audience: 'eduspry',
  });
});
after(async () => {
  await p.close();
  await content.close();
  await grpcServer.close();
  await Promise.all([contentSql.end(), courseGrpcSql.end()]);
  await Promise.all([storageRoot, uploadDir].map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A PDF uploaded by `teacher` straight to content-service (as the browser does), onto an item or not. */
async function uploadPdf(teacher: { token: string }, courseId: string, name: string) {
  const body = multipart(name, PDF(name));
  const response = await content.inject({
    method: 'POST',
    url: `/courses/${courseId}/files`,
    headers: { authorization: `Bearer ${teacher.token}`, 'content-type': body.contentType },
    payload: body.payload,
  });
  assert.equal(response.statusCode, 201, response.body);
  return response.json() as { id: string; sizeBytes: number };
}

/** A published course of its own tenant with a module, an enrolled student and `count` file items. */
async function fileCourse(count: number) {
  const tenant = await p.tenant();
  const teacher = await p.user(tenant, ['instructor']);
  const student = await p.user(tenant, ['student']);
  const created = await p.graphql(teacher.token, OPERATIONS.CreateCourse, {
    input: { code: `FL-${randomUUID().slice(0, 6)}`, title: 'Files 101' },
  });
  const courseId = created.body.data.createCourse.id as string;
  await p.graphql(teacher.token, OPERATIONS.SetCourseState, { courseId, state: 'published' });
  const module = await p.graphql(teacher.token, OPERATIONS.AddModule, {
    courseId,
    title: 'Week 1',
    published: true,
  });
  const moduleId = module.body.data.addModule.id as string;
  const items: { itemId: string; fileId: string; name: string; size: number }[] = [];
  for (let n = 0; n < count; n++) {
    const name = `handout-${n}.pdf`;
    const file = await uploadPdf(teacher, courseId, name);
    const added = await p.graphql(teacher.token, OPERATIONS.AddItem, {
      courseId,
      moduleId,
      input: { kind: 'file', title: `Handout ${n}`, fileId: file.id, published: true },
    });
    assert.equal(added.body.errors, undefined, JSON.stringify(added.body.errors));
    items.push({ itemId: added.body.data.addItem.id, fileId: file.id, name, size: file.sizeBytes });
  }
  const enrolled = await p.gateway.inject({
    method: 'POST',
    url: `/api/course-service/courses/${courseId}/enrollments`,
    headers: { authorization: `Bearer ${student.token}` },
    payload: {},
  });
  assert.equal(enrolled.statusCode, 201, enrolled.body);
  return { tenant, teacher, student, courseId, moduleId, items };
}

const aliased = (courseId: string, itemIds: string[]) =>
  `query { ${itemIds
    .map(
      (itemId, n) => `i${n}: item(courseId: "${courseId}", itemId: "${itemId}") { id title ${FILE_FIELDS} }`,
    )
    .join(' ')} }`;

test("a file item's content carries the file with a signed URL that serves its bytes", async () => {
  const { student, courseId, items } = await fileCourse(1);
  const answer = await p.graphql(student.token, OPERATIONS.ItemPage, { courseId, itemId: items[0]!.itemId });
  assert.equal(answer.body.errors, undefined, JSON.stringify(answer.body.errors));
  const { file } = answer.body.data.item;
  assert.equal(file.id, items[0]!.fileId);
  assert.equal(file.name, 'handout-0.pdf');
  assert.equal(file.mediaType, 'application/pdf');
  assert.equal(file.size, items[0]!.size);
  assert.equal(file.version, 1);
  assert.ok(Date.parse(file.expiresAt) > Date.now());
  const url = new URL(file.url);
  assert.equal(url.origin, 'http://content.gateway-test');
  const bytes = await content.inject({ method: 'GET', url: `${url.pathname}${url.search}` });
  assert.equal(bytes.statusCode, 200);
  assert.deepEqual(bytes.rawPayload, PDF('handout-0.pdf'));
});

test('aliased file items each get their own file, and a page of them is one content-service call', async () => {
  const { student, courseId, items } = await fileCourse(3);
  const answer = await p.graphql(
    student.token,
    aliased(
      courseId,
      items.map((item) => item.itemId),
    ),
  );
  assert.equal(answer.body.errors, undefined, JSON.stringify(answer.body.errors));
  assert.deepEqual(
    Object.values(answer.body.data as Record<string, Json>).map((item) => item.file.name),
    items.map((item) => item.name),
  );
  // The ItemPage operation: the course, the item, its file — one call each.
  const page = await p.graphql(student.token, OPERATIONS.ItemPage, { courseId, itemId: items[0]!.itemId });
  assert.equal(page.upstreamCalls, 3);

  // Every file asked for in the same tick (the items of one upstream answer) goes out together:
  // 250 files (and a repeat, and an id that is no uuid) are 2 calls of at most 200 ids.
  const calls: string[][] = [];
  const fake = {
    get: async () => ({}),
    send: async (_method: string, _path: string, body: { fileIds: string[] }) => {
      calls.push(body.fileIds);
      return { files: body.fileIds.map((id) => ({ id, name: `${id}.pdf` })) };
    },
  };
  const loaders = createLoaders({
    auth: fake,
    course: fake,
    analytics: fake,
    assessment: fake,
    content: fake,
  } as never);
  const ids = Array.from({ length: 250 }, () => randomUUID());
  const found = await Promise.all([...ids, ids[0]!, 'not-a-uuid'].map((id) => loaders.file.load(id)));
  assert.deepEqual(
    calls.map((batch) => batch.length),
    [200, 50],
  );
  assert.deepEqual(
    found.map((file) => file?.id ?? null),
    [...ids, ids[0], null],
  );
});

test("a file item is attached to its file; another tenant's file id is refused and no item is left", async () => {
  const theirs = await fileCourse(1);
  const ours = await fileCourse(1);
  // Attached by addItem: the item's lock now decides who reads the file.
  const file = await content.inject({
    method: 'GET',
    url: `/files/${ours.items[0]!.fileId}`,
    headers: { authorization: `Bearer ${ours.teacher.token}` },
  });
  assert.equal(file.json().itemId, ours.items[0]!.itemId);
  // Our teacher names their file id on an item: course-service cannot know, content-service's RLS does.
  const added = await p.graphql(ours.teacher.token, OPERATIONS.AddItem, {
    courseId: ours.courseId,
    moduleId: ours.moduleId,
    input: { kind: 'file', title: 'Borrowed', fileId: theirs.items[0]!.fileId, published: true },
  });
  assert.equal(added.body.data, null);
  assert.equal(added.body.errors?.[0]?.extensions?.code, 'NOT_FOUND', JSON.stringify(added.body.errors));
  const modules = await p.gateway.inject({
    method: 'GET',
    url: `/api/course-service/courses/${ours.courseId}/modules`,
    headers: { authorization: `Bearer ${ours.teacher.token}` },
  });
  assert.deepEqual(
    modules.json()[0].items.map((item: { title: string }) => item.title),
    ['Handout 0'],
  );
});

test('ids that are not uuids are BAD_USER_INPUT', async () => {
  const { student, courseId } = await fileCourse(0);
  const answer = await p.graphql(student.token, OPERATIONS.ItemPage, { courseId, itemId: 'not-a-uuid' });
  assert.equal(answer.body.data?.item ?? null, null);
  assert.equal(answer.body.errors[0].extensions.code, 'BAD_USER_INPUT');
});

test('content-service down: only the file is null, with UPSTREAM_UNAVAILABLE', async () => {
  const { student, courseId, items } = await fileCourse(1);
  const authUrl = `http://127.0.0.1:${(p.auth.server.address() as { port: number }).port}`;
  const config = readConfig({
    NODE_ENV: 'test',
    AUTH_SERVICE_URL: authUrl,
    COURSE_SERVICE_URL: p.courseUrl,
    AUTH_ISSUER: ISSUER,
    // Nothing listens on port 9 of loopback (discard): the connection is refused at once.
    CONTENT_SERVICE_URL: 'http://127.0.0.1:9',
    GATEWAY_UPSTREAM_ATTEMPTS: '1',
  });
  const gateway = await buildApp({
    config,
    verifier: createTokenVerifier({
      jwksUrl: `${authUrl}/.well-known/jwks.json`,
      issuer: ISSUER,
      audience: 'eduspry',
    }),
    upstreams: upstreamsFrom(config),
  });
  try {
    const response = await gateway.inject({
      method: 'POST',
      url: '/graphql',
      headers: { authorization: `Bearer ${student.token}` },
      payload: { query: OPERATIONS.ItemPage, variables: { courseId, itemId: items[0]!.itemId } },
    });
    const body = response.json();
    assert.equal(body.data.item.title, 'Handout 0');
    assert.equal(body.data.item.file, null);
    assert.deepEqual(
      body.errors.map((e: Json) => [e.path.join('.'), e.extensions.code]),
      [['item.file', 'UPSTREAM_UNAVAILABLE']],
    );
  } finally {
    await gateway.close();
  }
});
