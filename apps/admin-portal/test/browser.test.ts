// Tenant admins and the super admin using the admin portal in Debian's Chromium, driven by
// playwright-core, against real processes (every service, the api-gateway, `next start` of the
// portal) on free ports and the database `npm test` prepared. Every page is scanned with
// axe-core (0 serious or critical violations); screenshots go to test-artifacts/browser/admin-*.
// The shared set-up and helpers are in helpers.ts.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { createTestTenant } from '@eduspry/common/testing';
import { appPages, coldFirstVisits, loadTime } from '../../../scripts/lib/app-pages.ts';
import {
  APP,
  admin,
  context,
  PASSWORD,
  platform,
  portalPerFile,
  shot,
  signIn,
  skip,
  tabTo,
  tenant,
  token,
  user,
} from './helpers.ts';

portalPerFile();

test('sign-in answers bad input next to each field, in English and in Spanish', { skip }, async () => {
  const ctx = await context();
  const page = await ctx.newPage();
  await page.goto(`${platform.adminUrl}/sign-in`);
  await shot(page, '1-sign-in');
  await page.getByLabel('School district (tenant)').fill('Not A Slug!');
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/fe=/);
  const tenantField = page.getByLabel('School district (tenant)');
  assert.equal(await tenantField.getAttribute('aria-invalid'), 'true');
  await page.getByText('Use 3 to 64 lowercase letters').waitFor();
  await page.getByText('Enter an email address such as name@school.org.').waitFor();
  await page.getByText('Fill in this field.').waitFor();
  await shot(page, '1-sign-in-errors');

  // The switcher's choice wins over the browser's English.
  await page.getByLabel('Language').selectOption('es');
  await page.getByRole('button', { name: 'Change language' }).click();
  await page.getByRole('heading', { name: 'Iniciar sesión en EduSpry Administración' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'es');
  await page.getByRole('button', { name: 'Iniciar sesión' }).click();
  await page.getByText('Rellene este campo.').first().waitFor();
  await shot(page, '1-sign-in-errors-es');
  await ctx.close();

  // With no choice made, the browser's languages decide.
  const spanish = await context('es-ES');
  const second = await spanish.newPage();
  await second.goto(`${platform.adminUrl}/sign-in`);
  await second.getByRole('heading', { name: 'Iniciar sesión en EduSpry Administración' }).waitFor();
  await spanish.close();
});

test('a student or instructor cannot use the portal', { skip }, async () => {
  const student = await user(tenant, ['student'], 'Stu Student');
  const ctx = await context();
  const page = await ctx.newPage();
  await page.goto(`${platform.adminUrl}/sign-in`);
  await page.getByLabel('School district (tenant)').fill(student.tenant);
  await page.getByLabel('Email').fill(student.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('The admin portal is for district admins').waitFor();
  assert.equal((await ctx.cookies()).filter((c) => c.name.startsWith('eduspry_admin')).length, 0);
  await ctx.close();
});

test('with the keyboard alone, a tenant admin signs in and invites an instructor', { skip }, async () => {
  const tenantAdmin = await user(tenant, ['tenant_admin'], 'Kay Keyboard');
  const ctx = await context();
  const page = await ctx.newPage();
  await page.goto(`${platform.adminUrl}/sign-in`);
  await tabTo(page, '#field-tenant');
  await page.keyboard.type(tenantAdmin.tenant);
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(`document.activeElement?.id === 'field-email'`));
  await page.keyboard.type(tenantAdmin.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/users/);

  const email = `keyboard-${randomUUID().slice(0, 6)}@admin.test`;
  await tabTo(page, '#field-email');
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type('Ines Invitada');
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(`document.activeElement?.id === 'select-role'`));
  await page.keyboard.press('ArrowDown'); // student → instructor
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.getByText('Invitation sent.').waitFor();
  const row = page.getByRole('row', { name: new RegExp(email) });
  await row.waitFor();
  const cells = await row.getByRole('cell').allTextContents();
  assert.deepEqual(cells.slice(0, 4), ['Ines Invitada', email, 'Instructor', 'Invited']);
  await ctx.close();
});

test('a tenant admin searches, filters, changes a role, deactivates and reactivates, sees only their tenant', {
  skip,
}, async () => {
  const tenantAdmin = await user(tenant, ['tenant_admin'], 'Ada Admin');
  const target = await user(tenant, ['student'], 'Tom Target');
  const other = await createTestTenant(admin, 'admin-other');
  const outsider = await user(other, ['student'], 'Olga Outsider');
  const ctx = await context();
  const page = await ctx.newPage();
  await signIn(page, tenantAdmin, '2-tenant-admin');

  // An invitation with a bad address is answered next to the field; a taken one too.
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill('nope');
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('X');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByText('Enter an email address such as name@school.org.').waitFor();
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill(target.email);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByText('This is already taken.').waitFor();
  await shot(page, '2-users-invite-errors');

  await page.getByLabel('Search by name or email').fill('Tom Target');
  await page.getByLabel('Status filter').selectOption('active');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const row = page.getByRole('row', { name: new RegExp(target.email) });
  await row.waitFor();
  assert.equal(await page.getByRole('row').count(), 2); // header + Tom
  await page.getByLabel('New role for Tom Target').selectOption('instructor');
  await page.getByRole('button', { name: `Change role ${target.email}` }).click();
  await page.getByText('Role changed.').waitFor();
  await page.getByRole('button', { name: `Deactivate ${target.email}` }).click();
  await page.getByText('User deactivated').waitFor();
  const [stored] = await admin<{ roles: string[]; status: string }[]>`
    select roles, status from identity.users where id = ${target.id}`;
  assert.deepEqual(stored, { roles: ['instructor'], status: 'deactivated' });
  await shot(page, '2-users-deactivated');
  await page.goto(`${platform.adminUrl}/users?status=deactivated`);
  await page.getByRole('button', { name: `Reactivate ${target.email}` }).click();
  await page.getByText('User reactivated.').waitFor();

  // Another tenant's user is in no list, whatever the search.
  await page.goto(`${platform.adminUrl}/users?q=${encodeURIComponent(outsider.email)}`);
  await page.getByText('No users match.').waitFor();
  await shot(page, '2-users-search-empty');

  // The audit log shows what was just done, filtered by action and by actor, and as CSV.
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.waitForURL(/\/audit/);
  await page.getByLabel('Action').fill('user.deactivated');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.getByRole('cell', { name: 'user.deactivated' }).first().waitFor();
  await shot(page, '3-audit');
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download as CSV' }).click();
  const csv = await (await download).createReadStream().then(async (stream) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  });
  const lines = csv.trim().split('\r\n');
  assert.equal(lines[0], 'createdAt,action,actorId,subjectId,ip,detail');
  assert.ok(lines.length >= 2 && lines.slice(1).every((line) => line.includes(',user.deactivated,')), csv);
  assert.ok(lines.some((line) => line.includes(target.id)));
  await page.goto(`${platform.adminUrl}/audit?from=2026-13-40&actor=bob`);
  await page.getByText('Enter a date as YYYY-MM-DD.').waitFor();
  await page.getByText('Enter a user id').waitFor();
  await shot(page, '3-audit-errors');
  await ctx.close();
});

test('a tenant admin gets 403 on the super admin pages and on the APIs behind them', { skip }, async () => {
  const tenantAdmin = await user(tenant, ['tenant_admin'], 'Fay Forbidden');
  const ctx = await context();
  const page = await ctx.newPage();
  await signIn(page, tenantAdmin, '4-forbidden');
  assert.equal(await page.getByRole('link', { name: 'Tenants' }).count(), 0);
  for (const path of ['/tenants', '/platform']) {
    const response = await page.goto(`${platform.adminUrl}${path}`);
    assert.equal(response?.status(), 403, path);
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
  }
  await shot(page, '4-forbidden');
  const bearer = { authorization: `Bearer ${await token(tenantAdmin)}`, 'content-type': 'application/json' };
  const api = `${platform.gatewayUrl}/api/auth-service`;
  assert.equal((await fetch(`${api}/tenants`, { headers: bearer })).status, 403);
  assert.equal(
    (
      await fetch(`${api}/tenants`, {
        method: 'POST',
        headers: bearer,
        body: '{"slug":"nope-tenant","name":"N"}',
      })
    ).status,
    403,
  );
  const noBody = { authorization: bearer.authorization };
  assert.equal((await fetch(`${api}/keys/rotate`, { method: 'POST', headers: noBody })).status, 403);
  assert.equal(
    (await fetch(`${api}/tenants/${tenant.id}/suspend`, { method: 'POST', headers: noBody })).status,
    403,
  );
  await ctx.close();
});

test('the super admin creates a tenant, suspends and reactivates it, and rotates the signing key', {
  skip,
}, async () => {
  const superAdmin = await user(tenant, ['super_admin'], 'Pat Platform');
  const ctx = await context();
  const page = await ctx.newPage();
  await signIn(page, superAdmin, '5-super-admin');
  await page.waitForURL(/\/tenants/);
  await page.getByLabel('Short name').fill('Bad Slug');
  await page.getByRole('button', { name: 'Create tenant' }).click();
  await page.getByText('Use 3 to 64 lowercase letters').waitFor();
  await page.getByText('Fill in this field.').waitFor();
  await shot(page, '5-tenants-errors');
  // The tenants page lists 100 by slug; a leading 0 puts this one first however many the run made.
  const slug = `0-hillside-${randomUUID().slice(0, 6)}`;
  await page.getByLabel('Short name').fill(slug);
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Hillside District');
  await page.getByRole('button', { name: 'Create tenant' }).click();
  await page.getByText('Tenant created.').waitFor();
  await page.getByRole('button', { name: `Suspend ${slug}` }).click();
  await page.getByText('Tenant suspended').waitFor();
  const [suspended] = await admin<
    { status: string }[]
  >`select status from identity.tenants where slug = ${slug}`;
  assert.equal(suspended?.status, 'suspended');
  await page.getByRole('button', { name: `Reactivate ${slug}` }).click();
  await page.getByText('Tenant reactivated.').waitFor();
  await shot(page, '5-tenants');

  const [{ count: before } = { count: 0 }] = await admin<{ count: number }[]>`
    select count(*)::int as count from identity.signing_keys`;
  await page.getByRole('link', { name: 'Platform' }).click();
  await page.getByRole('button', { name: 'Rotate the signing key now' }).click();
  await page.getByText('Signing key rotated.').waitFor();
  const [{ count: afterwards } = { count: 0 }] = await admin<{ count: number }[]>`
    select count(*)::int as count from identity.signing_keys`;
  assert.equal(afterwards, before + 1);
  await shot(page, '5-platform');
  await ctx.close();
});

test('dates and numbers follow the locale', { skip }, async () => {
  const tenantAdmin = await user(tenant, ['tenant_admin'], 'Lola Locale');
  const ctx = await context('es-ES');
  const page = await ctx.newPage();
  await page.goto(`${platform.adminUrl}/sign-in`);
  await page.getByLabel('Distrito escolar (inquilino)').fill(tenantAdmin.tenant);
  await page.getByLabel('Correo electrónico').fill(tenantAdmin.email);
  await page.getByLabel('Contraseña').fill(PASSWORD);
  await page.getByRole('button', { name: 'Iniciar sesión' }).click();
  await page.waitForURL(/\/users/);
  const row = page.getByRole('row', { name: new RegExp(tenantAdmin.email) });
  await row.waitFor();
  const since = (await row.getByRole('cell').allTextContents())[4] ?? '';
  const expected = new Intl.DateTimeFormat('es', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date());
  assert.equal(since, expected);
  await page.getByRole('heading', { name: /Personas \(\d+\)/ }).waitFor();
  await shot(page, '6-users-es');
  await ctx.close();
});

test('every page answers its first visit to a freshly started next start in under 1 s', {
  skip,
}, async () => {
  // Portal processes of their own on the same build: no page of one has been rendered yet, and
  // each has a new origin (port) and browser context, with nothing of it cached.
  const superAdmin = await user(tenant, ['super_admin'], 'Cole Cold');
  const hooks = await user(tenant, ['tenant_admin'], 'Cody Cold');
  // An endpoint of the tenant (webhooks are a tenant admin's; an IP literal needs no DNS), for its own page.
  const created = await fetch(`${platform.gatewayUrl}/api/notification-service/webhooks/endpoints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await token(hooks)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'https://93.184.215.14/cold', eventTypes: ['*'] }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const endpointId = ((await created.json()) as { id: string }).id;
  const best = await coldFirstVisits(
    'admin-portal',
    APP,
    { API_GATEWAY_URL: platform.gatewayUrl },
    async (url) => {
      const ctx = await context();
      try {
        const page = await ctx.newPage();
        const timings: Record<string, number> = {};
        const visit = async (path: string, heading: RegExp) => {
          await page.goto(`${url}${path}`, { waitUntil: 'load' });
          await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
          timings[path] = await loadTime(page);
        };
        await visit('/sign-in', /Sign in to EduSpry Admin/);
        // Signed in by cookie, so that no page but the sign-in one is rendered before its visit.
        await ctx.addCookies([
          { name: 'eduspry_admin_at', value: await token(superAdmin), url, httpOnly: true },
        ]);
        await visit('/tenants', /Tenants/);
        await visit('/', /Tenants/); // redirects a super admin to the tenants
        await visit('/users', /Users/);
        await visit('/audit', /Audit log/);
        await visit(`/users/${superAdmin.id}`, /Cole Cold: sessions/);
        await visit('/sso', /Single sign-on/);
        await visit('/logs', /Logs/);
        await visit('/platform', /Platform/);
        await visit('/analytics', /Analytics/);
        await visit('/notifications', /Notification defaults/);
        await visit('/retention', /Log retention/);
        await visit('/presence', /Presence privacy/);
        await visit('/storage', /Storage/);
        await visit('/webhooks', /Webhooks/);
        await visit(`/webhooks/${endpointId}`, /Webhook endpoint/);
        await visit('/roster', /Roster import/);
        await visit('/roster/enrollments', /Enrolment import/);
        return timings;
      } finally {
        await ctx.close();
      }
    },
  );
  const pages = await appPages(APP);
  assert.deepEqual(
    pages.filter((path) => !(path in best)),
    [],
    'every page of the portal had its cold first visit',
  );
  for (const [path, ms] of Object.entries(best))
    assert.ok(ms > 0 && ms < 1000, `first visit of ${path} took ${ms} ms on every fresh process`);
});
