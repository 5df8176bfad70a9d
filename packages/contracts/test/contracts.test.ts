import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  allSchemas,
  checkAgainstRevisions,
  committedRevisions,
  compatibilityProblems,
  createEvent,
  EventValidationError,
  eventTypes,
  validateEvent,
} from '@eduspry/contracts';
import { GENERATED_FILE, generateEventTypes } from '../src/codegen.ts';

const TENANT = '6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b';
const USER = '0b6f3c1e-9d2a-4b7c-8e5f-2a3b4c5d6e7f';

test('provides the event types other services code against', () => {
  for (const type of [
    'user.authentication.user_registered',
    'user.authentication.user_role_changed',
    'user.authentication.user_deactivated',
    'course.management.enrollment_changed',
  ])
    assert.ok(eventTypes().includes(type), type);
});

test('createEvent returns a validated envelope with a fresh id, the time and the current version', () => {
  const event = createEvent('course.management.enrollment_changed', {
    tenantId: TENANT,
    data: { userId: USER, courseId: USER, action: 'enrolled', timestamp: new Date().toISOString() },
  });
  assert.match(event.eventId, /^[0-9a-f-]{36}$/);
  assert.equal(event.version, 1);
  assert.equal(event.tenantId, TENANT);
  assert.ok(Date.now() - Date.parse(event.timestamp) < 5000);
  const again = createEvent('course.management.enrollment_changed', { tenantId: TENANT, data: event.data });
  assert.notEqual(again.eventId, event.eventId);
});

test('an event that fails its schema is refused with an error naming the field', () => {
  const registered = {
    userId: USER,
    tenantId: TENANT,
    email: 'ada@example.org',
    roles: ['student'],
    registeredAt: new Date().toISOString(),
  };
  const cases: [unknown, string][] = [
    [{ ...registered, email: undefined }, 'data.email'],
    [{ ...registered, roles: ['student', 7] }, 'data.roles[1]'],
    [{ ...registered, nickname: 'ada' }, 'data.nickname'],
  ];
  for (const [data, field] of cases) {
    assert.throws(
      () => createEvent('user.authentication.user_registered', { tenantId: TENANT, data: data as never }),
      (error: unknown) =>
        error instanceof EventValidationError && error.field === field && error.message.includes(field),
      field,
    );
  }
  assert.throws(
    () => createEvent('user.authentication.user_registered', { tenantId: 'riverside', data: registered }),
    (error: unknown) => error instanceof EventValidationError && error.field === 'tenantId',
  );
  assert.throws(
    () =>
      validateEvent({
        ...createEvent('user.authentication.user_registered', { tenantId: TENANT, data: registered }),
        eventType: 'user.authentication.no_such_event',
      }),
    (error: unknown) => error instanceof EventValidationError && error.field === 'eventType',
  );
});

test('the TypeScript event types are the ones derived from the current schemas', () => {
  assert.equal(
    readFileSync(GENERATED_FILE, 'utf8'),
    generateEventTypes(),
    'src/event-data.generated.ts is stale: run `npm run generate -w @eduspry/contracts`',
  );
});

test('every schema stays backward- and forward-compatible with each committed revision of its major version', () => {
  let compared = 0;
  for (const schema of allSchemas()) {
    const report = checkAgainstRevisions(schema.file, schema.definition);
    compared += report.compared.length;
    for (const problem of report.problems)
      assert.fail(
        `${schema.eventType} v${schema.version} breaks the revision of commit ${problem.commit.slice(0, 8)} ` +
          `(${problem.direction}: ${problem.message}): make it compatible (optional fields with defaults) ` +
          'or add a new major version file',
      );
  }
  // The schemas on main have history: a run that compared nothing proved nothing.
  assert.ok(compared >= 4, `compared ${compared} committed revisions`);
});

test('a breaking edit of a committed schema is refused, naming the commit it breaks', () => {
  const repo = mkdtempSync(join(tmpdir(), 'eduspry-avro-'));
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    const file = join(repo, 'thing.v1.avsc');
    const v1 = { type: 'record', name: 'Thing', fields: [{ name: 'id', type: 'string' }] };
    writeFileSync(file, JSON.stringify(v1));
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qm', 'v1');
    const commit = git('rev-parse', 'HEAD').trim();
    const compatible = {
      ...v1,
      fields: [...v1.fields, { name: 'note', type: ['null', 'string'], default: null }],
    };
    assert.deepEqual(checkAgainstRevisions(file, compatible), { compared: [commit], problems: [] });
    const breaking = { ...v1, fields: [...v1.fields, { name: 'note', type: 'string' }] };
    const report = checkAgainstRevisions(file, breaking);
    assert.deepEqual(
      report.problems.map((problem) => [problem.commit, problem.direction]),
      [[commit, 'backward']],
    );
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});

test('outside a git checkout the compatibility check refuses to pass', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eduspry-avro-nogit-'));
  try {
    writeFileSync(join(dir, 'thing.v1.avsc'), '{}');
    assert.throws(() => committedRevisions(join(dir, 'thing.v1.avsc')), /not in a git checkout/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the compatibility check accepts an optional field and refuses breaking edits', () => {
  const v1 = {
    type: 'record',
    name: 'Thing',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['a', 'b'] } },
    ],
  } as const;
  const withOptional = {
    ...v1,
    fields: [...v1.fields, { name: 'note', type: ['null', 'string'], default: null }],
  };
  assert.deepEqual(compatibilityProblems(v1, withOptional), []);

  const withRequired = { ...v1, fields: [...v1.fields, { name: 'note', type: 'string' }] };
  assert.deepEqual(
    compatibilityProblems(v1, withRequired).map((problem) => problem.direction),
    ['backward'],
  );
  const withoutId = { ...v1, fields: [v1.fields[1]] };
  assert.deepEqual(
    compatibilityProblems(v1, withoutId).map((problem) => problem.direction),
    ['forward'],
  );
  const retyped = { ...v1, fields: [{ name: 'id', type: 'int' }, v1.fields[1]] };
  assert.deepEqual(
    compatibilityProblems(v1, retyped).map((problem) => problem.direction),
    ['backward', 'forward'],
  );
});
