import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  canTransition,
  decideAccess,
  enrollmentRoleFromRoster,
  percentComplete,
  placementFor,
} from '../src/domain/rules.ts';

test('students beyond capacity are waitlisted; staff and observers never count', () => {
  assert.equal(placementFor('student', 2, 1), 'active');
  assert.equal(placementFor('student', 2, 2), 'waitlisted');
  assert.equal(placementFor('student', null, 10_000), 'active');
  assert.equal(placementFor('teacher', 1, 5), 'active');
  assert.equal(placementFor('observer', 1, 5), 'active');
});

test('course state only moves forward', () => {
  assert.ok(canTransition('draft', 'published'));
  assert.ok(canTransition('published', 'archived'));
  assert.ok(!canTransition('published', 'draft'));
  assert.ok(!canTransition('archived', 'published'));
});

test('access is decided in a fixed order of reasons', () => {
  const base = {
    staff: false,
    courseState: 'published' as const,
    membership: { role: 'student' as const, status: 'active' as const },
    module: { published: true, unlockAt: null, prerequisiteComplete: true },
    now: new Date('2026-10-01T00:00:00Z'),
  };
  assert.deepEqual(decideAccess(base), { allowed: true, reason: 'enrolled' });
  assert.equal(decideAccess({ ...base, membership: null }).reason, 'not-enrolled');
  assert.equal(
    decideAccess({ ...base, membership: { role: 'student', status: 'waitlisted' } }).reason,
    'waitlisted',
  );
  assert.equal(decideAccess({ ...base, courseState: 'draft' }).reason, 'course-not-published');
  assert.equal(
    decideAccess({ ...base, module: { ...base.module, unlockAt: new Date('2026-10-02T00:00:00Z') } }).reason,
    'locked-until-date',
  );
  assert.equal(
    decideAccess({ ...base, module: { ...base.module, prerequisiteComplete: false } }).reason,
    'prerequisite-incomplete',
  );
  assert.equal(decideAccess({ ...base, itemPublished: false }).reason, 'item-not-published');
  assert.deepEqual(decideAccess({ ...base, staff: true, membership: null, courseState: 'draft' }), {
    allowed: true,
    reason: 'staff',
  });
});

test('progress rounds down so 100 means done, and OneRoster roles map to ours', () => {
  assert.equal(percentComplete(2, 3), 66);
  assert.equal(percentComplete(3, 3), 100);
  assert.equal(percentComplete(0, 0), 0);
  assert.equal(enrollmentRoleFromRoster(' Aide '), 'ta');
  assert.equal(enrollmentRoleFromRoster('guardian'), 'observer');
  assert.equal(enrollmentRoleFromRoster('principal'), undefined);
});
