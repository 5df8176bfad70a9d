// The contract gates of `npm run check` (scripts/contracts/check.ts) pass on the repository as it
// is and fail on a deliberately breaking change, made on scratch copies (never the real files):
// buf breaking on a renamed, renumbered or retyped proto field and a removed rpc; the OpenAPI
// gate on a removed route, a renamed (removed) or retyped response field and a newly required
// request field, unless the change is listed as intended; the freshness check on an edited
// generated file; redocly lint on an invalid document.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  baselineRef,
  bufBreaking,
  bufLint,
  filesAt,
  openApiGate,
  readIntended,
  redoclyLint,
} from '../contracts/check.ts';
import { documentedServices, OPENAPI_DIR, type OpenApiDocument } from '../contracts/documents.ts';
import {
  committedFiles,
  type Generated,
  generateContracts,
  PROTO_DIR,
  staleFiles,
} from '../contracts/generate.ts';
import { breakingChanges } from '../contracts/openapi-diff.ts';
import { ROOT } from '../lib/database.ts';
import { PLATFORM } from '../lib/platform.ts';

const CONTRACTS = join(ROOT, 'packages/contracts');
const scratchDirs: string[] = [];
let generated: Generated;

/** A scratch copy of packages/contracts' buf module (buf.yaml and proto/). */
function scratchModule(): string {
  const dir = mkdtempSync(join(tmpdir(), 'contract-gates-'));
  scratchDirs.push(dir);
  cpSync(join(CONTRACTS, 'buf.yaml'), join(dir, 'buf.yaml'));
  cpSync(join(CONTRACTS, 'proto'), join(dir, 'proto'), { recursive: true });
  return dir;
}

/** The real .proto files, by name: the baseline a scratch change is judged against. */
const realProtos = () => filesAt('HEAD', PROTO_DIR);

function editProto(dir: string, edit: (text: string) => string) {
  const path = join(dir, 'proto/course.proto');
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  assert.notEqual(after, before, 'the scratch edit changed nothing');
  writeFileSync(path, after);
}

const course = (): OpenApiDocument => structuredClone(generated.documents.get('course-service')!);

before(async () => {
  generated = await generateContracts();
});

after(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

test('every PLATFORM service has an OpenAPI document, discovered from the process list', () => {
  const services = PLATFORM.filter((entry) => entry.dir.startsWith('services/')).map((entry) => entry.name);
  assert.deepEqual(
    documentedServices()
      .map((entry) => entry.name)
      .sort(),
    [...services].sort(),
  );
  for (const name of services) {
    const document = generated.documents.get(name);
    assert.ok(document, `${name} has a document`);
    assert.equal(document.info.title, name);
    assert.ok(Object.keys(document.paths ?? {}).length > 0, `${name} documents its routes`);
  }
});

test('buf lint passes on packages/contracts/proto and fails on a message named against the style', () => {
  const real = bufLint();
  assert.ok(real.ok, real.output);
  const dir = scratchModule();
  editProto(dir, (text) =>
    text
      .replace('message Enrollment {', 'message enrollment_row {')
      .replaceAll('returns (Enrollment)', 'returns (enrollment_row)'),
  );
  const broken = bufLint(dir);
  assert.equal(broken.ok, false);
  assert.match(broken.output, /enrollment_row/);
});

test('buf breaking passes against the last commit on main and the committed proto files', () => {
  const ref = baselineRef();
  const againstMain = bufBreaking(filesAt(ref, PROTO_DIR));
  assert.ok(againstMain.ok, againstMain.output);
  const againstHead = bufBreaking(realProtos(), scratchModule());
  assert.ok(againstHead.ok, againstHead.output);
});

test('buf breaking fails on a renamed field, a renumbered field, a retyped field and a removed rpc', () => {
  const cases: [string, (text: string) => string, RegExp][] = [
    ['renamed', (text) => text.replace('bool allowed = 1;', 'bool permitted = 1;'), /allowed|permitted/],
    ['renumbered', (text) => text.replace('string reason = 2;', 'string reason = 9;'), /reason|2/],
    [
      'retyped',
      (text) => text.replace('string course_id = 2;\n  // Optional', 'int64 course_id = 2;\n  // Optional'),
      /course_id|type/,
    ],
    [
      'removed rpc',
      (text) =>
        text.replace(
          /\n\s*\/\/ A user's enrolment in a course\.[^\n]*\n\s*rpc GetEnrollment\([^\n]*\n/,
          '\n',
        ),
      /GetEnrollment/,
    ],
  ];
  for (const [what, edit, mentions] of cases) {
    const dir = scratchModule();
    editProto(dir, edit);
    const result = bufBreaking(realProtos(), dir);
    assert.equal(result.ok, false, `${what}: buf breaking passed\n${result.output}`);
    assert.match(result.output, mentions, what);
  }
});

test('buf breaking lets an added rpc and an added field through', () => {
  const dir = scratchModule();
  editProto(dir, (text) =>
    text
      .replace(
        'string reason = 2;\n}',
        'string reason = 2;\n  // Added: never breaking.\n  string detail = 3;\n}',
      )
      .replace(
        'rpc GetEnrollment(GetEnrollmentRequest) returns (Enrollment);',
        'rpc GetEnrollment(GetEnrollmentRequest) returns (Enrollment);\n\n  // Added.\n  rpc GetEnrollmentAgain(GetEnrollmentAgainRequest) returns (GetEnrollmentAgainResponse);',
      )
      .concat(
        '\nmessage GetEnrollmentAgainRequest {\n  string course_id = 1;\n}\n\nmessage GetEnrollmentAgainResponse {\n  Enrollment enrollment = 1;\n}\n',
      ),
  );
  const result = bufBreaking(realProtos(), dir);
  assert.ok(result.ok, result.output);
  assert.ok(bufLint(dir).ok, bufLint(dir).output);
});

test('the generated contract files are fresh, and an edited one is reported stale', () => {
  const committed = committedFiles();
  assert.deepEqual(staleFiles(generated.files, committed), []);
  const edited = new Map(committed);
  const typesPath = 'packages/contracts/src/openapi/course-service.ts';
  edited.set(typesPath, committed.get(typesPath)!.replace('title: string;', 'heading: string;'));
  edited.set(`${OPENAPI_DIR}/retired-service.json`, '{}\n');
  edited.delete('packages/contracts/src/grpc/course.ts');
  assert.deepEqual(staleFiles(generated.files, edited), [
    `${OPENAPI_DIR}/retired-service.json`,
    'packages/contracts/src/grpc/course.ts',
    typesPath,
  ]);
});

test('the OpenAPI gate passes on the documents as committed and against the last commit on main', () => {
  const committed = new Map<string, OpenApiDocument>();
  for (const [path, text] of committedFiles())
    if (path.startsWith(`${OPENAPI_DIR}/`))
      committed.set(path.slice(OPENAPI_DIR.length + 1, -5), JSON.parse(text));
  assert.ok(committed.size >= 8);
  const result = openApiGate(committed, generated.documents, []);
  assert.ok(result.ok, result.output);
  const main = new Map<string, OpenApiDocument>();
  for (const [name, text] of filesAt(baselineRef(), OPENAPI_DIR))
    main.set(name.slice(0, -5), JSON.parse(text));
  const againstMain = openApiGate(main, generated.documents, readIntended(undefined));
  assert.ok(againstMain.ok, againstMain.output);
});

test('the OpenAPI gate fails on a removed route, naming it', () => {
  const head = course();
  delete head.paths['/progress'].get;
  assert.deepEqual(breakingChanges('course-service', course(), head), [
    'course-service: GET /progress: removed route',
  ]);
  const result = openApiGate(
    new Map([['course-service', course()]]),
    new Map([['course-service', head]]),
    [],
  );
  assert.equal(result.ok, false);
  assert.match(result.output, /GET \/progress: removed route/);
});

test('the OpenAPI gate fails on a renamed response field (the old name is removed) and a retyped one', () => {
  const head = course();
  const schema = head.paths['/courses/{courseId}'].get.responses['200'].content['application/json'].schema;
  schema.properties.heading = schema.properties.title;
  delete schema.properties.title;
  schema.required = schema.required.map((name: string) => (name === 'title' ? 'heading' : name));
  schema.properties.selfEnrollment = { type: 'string' };
  const changes = breakingChanges('course-service', course(), head);
  assert.deepEqual(changes, [
    'course-service: GET /courses/{courseId}: response 200 field title removed',
    'course-service: GET /courses/{courseId}: response 200 field selfEnrollment retyped (boolean → string)',
  ]);
});

test('the OpenAPI gate names the consumer that reads a broken route through the generated types', () => {
  const head = course();
  const schema = head.paths['/courses/{courseId}'].get.responses['200'].content['application/json'].schema;
  delete schema.properties.title;
  const result = openApiGate(
    new Map([['course-service', course()]]),
    new Map([['course-service', head]]),
    [],
  );
  assert.equal(result.ok, false);
  assert.match(
    result.output,
    /GET \/courses\/\{courseId\}: response 200 field title removed \(read by api-gateway \(services\/api-gateway\/src\/graphql\/upstream-types\.ts\)\)/,
  );
});

test('the OpenAPI gate fails on a nested field removed from an array of items, and one no longer always present', () => {
  const head = course();
  const page = head.paths['/courses'].get.responses['200'].content['application/json'].schema;
  delete page.properties.items.items.properties.code;
  page.properties.items.items.required = page.properties.items.items.required.filter(
    (name: string) => name !== 'code' && name !== 'state',
  );
  assert.deepEqual(breakingChanges('course-service', course(), head).sort(), [
    'course-service: GET /courses: response 200 field items[].code removed',
    'course-service: GET /courses: response 200 field items[].state may now be absent',
  ]);
});

test('the OpenAPI gate fails on a newly required request field and a newly required query parameter', () => {
  const head = course();
  const body = head.paths['/courses'].post.requestBody.content['application/json'].schema;
  body.required = [...body.required, 'term'];
  body.properties.district = { type: 'string' };
  body.required.push('district');
  head.paths['/progress'].get.parameters.push({
    in: 'query',
    name: 'term',
    required: true,
    schema: { type: 'string' },
  });
  assert.deepEqual(breakingChanges('course-service', course(), head).sort(), [
    'course-service: GET /progress: query parameter term is newly required',
    'course-service: POST /courses: request body field district is newly required',
    'course-service: POST /courses: request body field term is newly required',
  ]);
});

test('additions are not breaking: a new route, a new response field, a new optional request field', () => {
  const head = course();
  head.paths['/courses/{courseId}/summary'] = { get: structuredClone(head.paths['/courses/{courseId}'].get) };
  const schema = head.paths['/courses/{courseId}'].get.responses['200'].content['application/json'].schema;
  schema.properties.language = { type: 'string' };
  schema.required.push('language');
  head.paths['/courses'].post.requestBody.content['application/json'].schema.properties.language = {
    type: 'string',
  };
  assert.deepEqual(breakingChanges('course-service', course(), head), []);
});

test('a breaking change listed in intended-breaking.json passes; an unlisted one beside it still fails', () => {
  const head = course();
  delete head.paths['/progress'].get;
  delete head.paths['/courses/{courseId}/modules'].get;
  const intended = readIntended(
    JSON.stringify({
      changes: [
        { change: 'course-service: GET /progress: removed route', reason: 'moved to /courses/{id}/progress' },
      ],
    }),
  );
  const result = openApiGate(
    new Map([['course-service', course()]]),
    new Map([['course-service', head]]),
    intended,
  );
  assert.equal(result.ok, false);
  assert.deepEqual(result.intended, ['course-service: GET /progress: removed route']);
  assert.deepEqual(result.unintended, ['course-service: GET /courses/{courseId}/modules: removed route']);
  const both = readIntended(
    JSON.stringify({
      changes: [
        { change: 'course-service: GET /progress: removed route', reason: 'moved' },
        { change: 'course-service: GET /courses/{courseId}/modules: removed route', reason: 'moved' },
      ],
    }),
  );
  assert.ok(
    openApiGate(new Map([['course-service', course()]]), new Map([['course-service', head]]), both).ok,
  );
});

test('a service that disappears from the platform breaks every route it had', () => {
  const result = openApiGate(new Map([['course-service', course()]]), new Map(), []);
  assert.equal(result.ok, false);
  assert.equal(
    result.unintended.length,
    Object.values(course().paths).flatMap((item) => Object.keys(item as object)).length,
  );
});

test('redocly lint passes on the committed documents and fails on an invalid one', () => {
  const paths = [...committedFiles().keys()].filter((path) => path.startsWith(`${OPENAPI_DIR}/`));
  const real = redoclyLint(paths.map((path) => join(ROOT, path)));
  assert.ok(real.ok, real.output);
  const dir = mkdtempSync(join(tmpdir(), 'contract-gates-'));
  scratchDirs.push(dir);
  const broken = course();
  broken.paths['/courses/{courseId}'].get.responses = 'none';
  delete broken.info;
  writeFileSync(join(dir, 'course-service.json'), JSON.stringify(broken));
  const result = redoclyLint([join(dir, 'course-service.json')]);
  assert.equal(result.ok, false, result.output);
});
