// The pure rules of the OneRoster enrolment import (no database): reading and joining the files,
// and the plan against a given state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  OneRosterFileError,
  planEnrollments,
  planHash,
  type RosterState,
  readOneRoster,
} from '../src/domain/oneroster-rules.ts';

const files = {
  // A BOM, headers in any case, a quoted name with a comma, Windows line ends.
  users: '\uFEFFSourcedId,Email,GivenName\r\ns1,Ana@Example.org,"Ana, the first"\r\n',
  classes: 'sourcedid,classcode,title\nc1,PHY-1,Physics\n',
  enrollments:
    'sourcedId,classSourcedId,userSourcedId,role,status\ne1,c1,s1,Student,active\ne2,c1,s1,teacher,\n',
};

test('the files are joined by sourcedId into a course code and an email; a second row of a pair is an error', () => {
  const { lines, errors } = readOneRoster(files);
  assert.deepEqual(lines, [
    {
      line: 2,
      sourcedId: 'e1',
      classCode: 'PHY-1',
      email: 'ana@example.org',
      role: 'student',
      remove: false,
    },
  ]);
  assert.deepEqual(errors, [
    { file: 'enrollments.csv', line: 3, reason: 'user s1 is also enrolled in class c1 on line 2' },
  ]);
});

test('a file that cannot be OneRoster is refused whole, naming it', () => {
  assert.throws(
    () => readOneRoster({ ...files, classes: 'sourcedId,title\nc1,Physics\n' }),
    OneRosterFileError,
  );
  assert.throws(() => readOneRoster({ ...files, users: '' }), /users\.csv is empty/);
  assert.throws(() => readOneRoster({ ...files, enrollments: 'a\u0000b' }), /NUL bytes/);
});

test('the plan: new, changed, kept and dropped enrolments; its hash follows the state', () => {
  const file = readOneRoster({
    ...files,
    enrollments: 'sourcedId,classSourcedId,userSourcedId,role,status\ne1,c1,s1,aide,active\n',
  });
  const state = (enrolled?: { role: 'student' | 'ta'; status: 'active' | 'dropped' }): RosterState => ({
    courses: new Map([['PHY-1', { id: 'course-1', code: 'PHY-1' }]]),
    users: new Map([['ana@example.org', { userId: 'user-1', active: true }]]),
    enrollments: new Map(enrolled ? [['course-1|user-1', enrolled]] : []),
  });
  assert.equal(planEnrollments(file, state()).enrols.length, 1);
  assert.equal(planEnrollments(file, state({ role: 'student', status: 'dropped' })).enrols.length, 1);
  const change = planEnrollments(file, state({ role: 'student', status: 'active' }));
  assert.deepEqual(change.changes[0]?.before, { role: 'student', status: 'active' });
  assert.equal(planEnrollments(file, state({ role: 'ta', status: 'active' })).unchanged, 1);
  assert.notEqual(planHash(planEnrollments(file, state())), planHash(change));
  const removal = readOneRoster({
    ...files,
    enrollments: 'sourcedId,classSourcedId,userSourcedId,role,status\ne1,c1,s1,student,tobedeleted\n',
  });
  assert.equal(planEnrollments(removal, state({ role: 'student', status: 'active' })).removals.length, 1);
  assert.equal(planEnrollments(removal, state()).unchanged, 1, 'nothing to drop');
});
