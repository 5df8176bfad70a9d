// A district's storage settings: its tenant admin tunes the limits of their own tenant; only the
// super_admin grants space, for any tenant (the admin portal's tenants and storage pages).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Harness, harness } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

test('a tenant admin reads and tunes their own limits, but not the quota and not another district', async () => {
  const [mine, other] = [await h.course.newTenant(), await h.course.newTenant()];
  const admin = await h.course.user(['tenant_admin'], mine);
  const own = await h.call(admin, 'GET', '/storage');
  assert.equal(own.status, 200);
  const tuned = await h.call(admin, 'PATCH', '/storage', { payload: { maxFileBytes: 5 * 1024 * 1024 } });
  assert.equal(tuned.status, 200);
  assert.equal(tuned.body.maxFileBytes, 5 * 1024 * 1024);
  assert.deepEqual((await h.call(admin, 'GET', `/tenants/${mine.id}/storage`)).body, tuned.body);
  const quota = await h.call(admin, 'PATCH', `/tenants/${mine.id}/storage`, { payload: { quotaBytes: 1 } });
  assert.equal(quota.status, 403);
  for (const [method, payload] of [['GET'], ['PATCH', { maxFileBytes: 1 }]] as const) {
    const answer = await h.call(admin, method, `/tenants/${other.id}/storage`, payload ? { payload } : {});
    assert.equal(answer.status, 403, `${method} of another district's storage`);
  }
  const teacher = await h.course.user(['instructor'], mine);
  assert.equal((await h.call(teacher, 'GET', '/storage')).status, 403);
});

test("the super_admin sets any district's quota, and that district's admin sees it", async () => {
  const [home, district] = [await h.course.newTenant(), await h.course.newTenant()];
  const platform = await h.course.user(['super_admin'], home);
  const set = await h.call(platform, 'PATCH', `/tenants/${district.id}/storage`, {
    payload: { quotaBytes: 3 * 1024 ** 3 },
  });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  assert.equal(set.body.quotaBytes, 3 * 1024 ** 3);
  const admin = await h.course.user(['tenant_admin'], district);
  assert.equal((await h.call(admin, 'GET', '/storage')).body.quotaBytes, 3 * 1024 ** 3);
  assert.notEqual(
    (await h.call(platform, 'GET', '/storage')).body.quotaBytes,
    3 * 1024 ** 3,
    "the super_admin's own tenant is untouched",
  );
  assert.equal((await h.call(platform, 'GET', '/tenants/not-a-uuid/storage')).status, 400);
});
