import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { allSchemas, createEvent } from '@eduspry/contracts';
import { eventFacts, README_FILE, readmeWithEventTable } from '../src/codegen.ts';

const TENANT = '6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b';
const USER = '0b7f8e1a-2c3d-4e5f-9a8b-7c6d5e4f3a2b';

test('every schema doc names its key field (one of its fields), its trigger and its producer', () => {
  for (const schema of allSchemas()) {
    const facts = eventFacts(schema);
    const fields = (schema.definition as { fields: { name: string }[] }).fields.map((field) => field.name);
    assert.ok(fields.includes(facts.key), `${schema.file}: key ${facts.key} is not one of its fields`);
    assert.ok(facts.trigger.length > 10, `${schema.file}: say what triggers it`);
    assert.match(facts.producer, /-service|gateway|function/, `${schema.file}: name the producing service`);
  }
});

test("the README's event table is the one generated from the schemas", () => {
  const readme = readFileSync(README_FILE, 'utf8');
  assert.equal(
    readme,
    readmeWithEventTable(readme),
    'packages/contracts/README.md is stale: run `npm run generate -w @eduspry/contracts`',
  );
});

test('events written before the new fields existed still validate, and the new fields travel', () => {
  const old = createEvent('course.management.enrollment_changed', {
    tenantId: TENANT,
    data: { userId: USER, courseId: USER, action: 'enrolled', timestamp: new Date().toISOString() },
  });
  // Left out, a new field takes its default, as Kafka's Avro decoding delivers it: consumers see one shape.
  assert.equal(old.data.role, null);
  const full = createEvent('course.management.enrollment_changed', {
    tenantId: TENANT,
    data: {
      userId: USER,
      courseId: USER,
      action: 'enrolled',
      timestamp: new Date().toISOString(),
      role: 'teacher',
      sectionId: null,
      actorId: USER,
    },
  });
  assert.equal(full.data.role, 'teacher');
  const registered = createEvent('user.authentication.user_registered', {
    tenantId: TENANT,
    data: {
      userId: USER,
      tenantId: TENANT,
      email: 'a@example.test',
      roles: ['student'],
      registeredAt: new Date().toISOString(),
      role: 'student',
      registrationMethod: 'invitation',
    },
  });
  assert.equal(registered.data.registrationMethod, 'invitation');
});
