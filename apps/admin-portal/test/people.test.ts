// Tenant admins and the super admin on the portal's people pages in Debian's Chromium: a user's
// sessions and signing them out, single sign-on providers, log search with traces, and editing a
// tenant. The same platform, axe scan and screenshots as browser.test.ts (helpers.ts).
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { createTestTenant } from '@eduspry/common/testing';
import type { Page } from 'playwright-core';
import { logLine } from '../../../services/logging-service/test/helpers.ts';
import {
  admin,
  context,
  PASSWORD,
  platform,
  portalPerFile,
  shot,
  signIn,
  skip,
  tenant,
  token,
  user,
} from './helpers.ts';

portalPerFile();

/** Signs `who` in through the gateway as a browser would, with a user agent of its own. */
async function sessionFrom(who: { email: string; tenant: string }, userAgent: string) {
  const answer = await fetch(`${platform.gatewayUrl}/api/auth-service/token?grant_type=password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    body: JSON.stringify({ tenant: who.tenant, email: who.email, password: PASSWORD }),
  });
  assert.equal(answer.status, 200);
  return (await answer.json()) as { access_token: string; refresh_token: string };
}

/** Polls `check` until it holds, for at most `ms`. */
async function within(ms: number, check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const gatewayStatus = async (path: string, bearer: string) =>
  (await fetch(`${platform.gatewayUrl}/api/${path}`, { headers: { authorization: `Bearer ${bearer}` } }))
    .status;

test("a tenant admin sees a user's sessions and signs them out of one, then everywhere", {
  skip,
}, async () => {
  const tenantAdmin = await user(tenant, ['tenant_admin'], 'Sam Sessions');
  const student = await user(tenant, ['student'], 'Stella Signedin');
  const phone = await sessionFrom(student, 'PhoneBrowser/1.0');
  const laptop = await sessionFrom(student, 'LaptopBrowser/2.0');
  const other = await createTestTenant(admin, 'admin-sessions-other');
  const outsider = await user(other, ['student'], 'Otto Outsider');
  const ctx = await context();
  const page = await ctx.newPage();
  await signIn(page, tenantAdmin, '7-sessions');

  await page.goto(`${platform.adminUrl}/users?q=${encodeURIComponent(student.email)}`);
  await page.getByRole('link', { name: 'Stella Signedin' }).click();
  await page.waitForURL(new RegExp(`/users/${student.id}`));
  await page.getByRole('heading', { name: 'Stella Signedin: sessions', level: 1 }).waitFor();
  await page.getByRole('heading', { name: '2 active sessions' }).waitFor();
  await page.getByRole('cell', { name: 'PhoneBrowser/1.0', exact: true }).waitFor();
  await page.getByRole('cell', { name: 'LaptopBrowser/2.0', exact: true }).waitFor();
  await shot(page, '7-sessions');

  // One session: the phone's ends, the laptop's stays.
  await page.getByRole('button', { name: /Sign out the session started .* on PhoneBrowser\/1\.0/ }).click();
  await page.getByText('Session ended.').waitFor();
  await page.getByRole('heading', { name: '1 active session' }).waitFor();
  assert.equal(await page.getByRole('cell', { name: 'PhoneBrowser/1.0', exact: true }).count(), 0);
  const refresh = (refreshToken: string) =>
    fetch(`${platform.gatewayUrl}/api/auth-service/token?grant_type=refresh_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: refreshToken }),
    }).then((r) => r.status);
  assert.equal(await refresh(phone.refresh_token), 401);
  // Its access token stops at the gateway within the verifiers' 5 s, as after a sign-out.
  await within(
    5000,
    async () => (await gatewayStatus('auth-service/user', phone.access_token)) === 401,
    'phone',
  );
  assert.equal(await gatewayStatus('auth-service/user', laptop.access_token), 200);

  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await page.getByText('Signed out everywhere: every session has ended.').waitFor();
  await page.getByText('This user is not signed in anywhere.').waitFor();
  await within(
    5000,
    async () => (await gatewayStatus('auth-service/user', laptop.access_token)) === 401,
    'laptop',
  );
  await shot(page, '7-sessions-ended');
  const audit = await admin<{ action: string }[]>`
    select action from identity.audit_events where tenant_id = ${tenant.id} and actor_id = ${tenantAdmin.id}
      and action in ('session.ended_by_admin', 'user.signed_out_by_admin') order by id`;
  assert.deepEqual(
    audit.map((row) => row.action),
    ['session.ended_by_admin', 'user.signed_out_by_admin'],
  );

  // Another tenant's user is no page of this tenant, and its API answers 404 from here.
  const response = await page.goto(`${platform.adminUrl}/users/${outsider.id}`);
  assert.equal(response?.status(), 404);
  const bearer = await token(tenantAdmin);
  assert.equal(
    await gatewayStatus(`auth-service/tenants/${tenant.id}/users/${outsider.id}/sessions`, bearer),
    404,
  );
  assert.equal(
    await gatewayStatus(`auth-service/tenants/${other.id}/users/${outsider.id}/sessions`, bearer),
    403,
  );
  // A student may not read anyone's sessions.
  assert.equal(
    await gatewayStatus(
      `auth-service/tenants/${tenant.id}/users/${tenantAdmin.id}/sessions`,
      await token(student),
    ),
    403,
  );
  await ctx.close();
});

test('a tenant admin adds, changes and removes an identity provider; bad input is answered next to the field', {
  skip,
}, async () => {
  const tenantAdmin = await user(tenant, ['tenant_admin'], 'Ida Identity');
  const ctx = await context();
  const page = await ctx.newPage();
  await signIn(page, tenantAdmin, '8-sso');
  await page.getByRole('link', { name: 'Single sign-on', exact: true }).click();
  await page.waitForURL(/\/sso/);
  await page.getByText('No identity provider is connected yet.').waitFor();

  await page.getByLabel('Issuer URL').fill('http://idp.example.org');
  await page.getByLabel('Scopes').fill('email profile');
  await page.getByLabel('Enabled: users may sign in with this provider').uncheck();
  await page.getByRole('button', { name: 'Save identity provider' }).click();
  await page.waitForURL(/fe=/);
  assert.equal(await page.getByLabel('Issuer URL').getAttribute('aria-invalid'), 'true');
  await page.getByText('Enter an https address, such as https://accounts.google.com.').waitFor();
  await page.getByText('List the scopes separated by spaces, including openid.').waitFor();
  assert.equal(await page.getByText('Fill in this field.').count(), 2); // name, client id
  // What was ticked stays ticked (or not) after the answer.
  assert.equal(await page.getByLabel('Enabled: users may sign in with this provider').isChecked(), false);
  await page.getByLabel('Enabled: users may sign in with this provider').check();
  await shot(page, '8-sso-errors');

  const secret = `s3cret-${randomUUID()}`;
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('google');
  await page.getByLabel('Issuer URL').fill('https://accounts.google.com');
  await page.getByLabel('Client ID').fill('district-client-1');
  await page.getByLabel('Client secret').fill(secret);
  await page.getByLabel('Scopes').fill('openid email profile');
  await page.getByRole('button', { name: 'Save identity provider' }).click();
  await page.getByText('Identity provider saved.').waitFor();
  const row = page.getByRole('row', { name: /google/ });
  assert.deepEqual((await row.getByRole('cell').allTextContents()).slice(0, 4), [
    'google',
    'https://accounts.google.com',
    'district-client-1',
    'Stored',
  ]);
  // Write-only: the secret is nowhere in the page, not even in the form.
  assert.ok(!(await page.content()).includes(secret));
  await shot(page, '8-sso');

  await page.getByRole('link', { name: 'Change google' }).click();
  await page.getByRole('heading', { name: 'Change google' }).waitFor();
  assert.equal(await page.getByLabel('Client ID').inputValue(), 'district-client-1');
  assert.equal(await page.getByLabel('Client secret').inputValue(), '');
  assert.ok(!(await page.content()).includes(secret));
  // A bad change is answered next to the field, still as a change of google.
  await page.getByLabel('Client ID').fill('');
  await page.getByRole('button', { name: 'Save identity provider' }).click();
  await page.getByText('Fill in this field.').waitFor();
  await page.getByRole('heading', { name: 'Change google' }).waitFor();
  // Left empty, the secret is kept.
  await page.getByLabel('Client ID').fill('district-client-2');
  await page.getByRole('button', { name: 'Save identity provider' }).click();
  await page.getByText('Identity provider saved.').waitFor();
  await page.getByRole('cell', { name: 'district-client-2' }).waitFor();
  const stored = async () =>
    (
      await admin<{ client_id: string; has_secret: boolean }[]>`
        select client_id, client_secret is not null as has_secret from identity.oidc_providers
        where tenant_id = ${tenant.id} and name = 'google'`
    )[0];
  assert.deepEqual(await stored(), { client_id: 'district-client-2', has_secret: true });
  // Removed only when asked: a public client.
  await page.getByRole('link', { name: 'Change google' }).click();
  await page.getByLabel('Remove the stored secret: a public client').check();
  await page.getByRole('button', { name: 'Save identity provider' }).click();
  await page.getByText('Identity provider saved.').waitFor();
  await page
    .getByRole('row', { name: /google/ })
    .getByRole('cell', { name: 'None (public client)' })
    .waitFor();
  assert.deepEqual(await stored(), { client_id: 'district-client-2', has_secret: false });

  // The same answers in Spanish.
  await page.getByLabel('Language').selectOption('es');
  await page.getByRole('button', { name: 'Change language' }).click();
  await page.getByRole('heading', { name: 'Inicio de sesión único', level: 1 }).waitFor();
  await page.getByLabel('URL del emisor').fill('ftp://idp.example.org');
  await page.getByRole('button', { name: 'Guardar proveedor de identidad' }).click();
  await page.getByText('Escriba una dirección https, como https://accounts.google.com.').waitFor();
  await shot(page, '8-sso-errors-es');
  await page.getByRole('button', { name: 'Quitar google' }).click();
  await page.getByText('Proveedor de identidad quitado.').waitFor();
  await page.getByText('Aún no hay ningún proveedor de identidad conectado.').waitFor();
  await ctx.close();
});

/** Stores log lines through the gateway as `bearer` (logging-service's POST /logs/batch). */
async function storeLines(bearer: string, lines: Record<string, unknown>[]) {
  const answer = await fetch(`${platform.gatewayUrl}/api/logging-service/logs/batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      lines: lines.map((line) => logLine(line)),
    }),
  });
  assert.equal(answer.status < 300, true, await answer.text());
}

const rows = (page: Page) => page.locator('tbody tr');

test('a tenant admin searches their logs by level, service, words and time, follows a trace, pages back', {
  skip,
}, async () => {
  const tenantAdmin = await user(tenant, ['tenant_admin'], 'Lou Logs');
  const superAdmin = await user(tenant, ['super_admin'], 'Sue Super');
  const other = await createTestTenant(admin, 'admin-logs-other');
  const word = `w${randomBytes(5).toString('hex')}`;
  const traceId = randomBytes(16).toString('hex');
  const service = `svc-${randomBytes(3).toString('hex')}`;
  const bearer = await token(tenantAdmin);
  const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString();
  await storeLines(bearer, [
    { tenantId: tenant.id, service, message: `enrolment ${word} accepted`, traceId, timestamp: at(30) },
    {
      tenantId: tenant.id,
      service: 'assessment-service',
      level: 'error',
      message: `grading ${word} failed`,
      traceId,
      timestamp: at(20),
    },
    { tenantId: tenant.id, service, message: `unrelated ${word} line`, timestamp: at(10) },
    ...Array.from({ length: 55 }, (_, i) => ({
      tenantId: tenant.id,
      service: `${service}-paged`,
      message: `paged ${word} line ${i}`,
      timestamp: at(100 + i),
    })),
  ]);
  // Another tenant's line with the same word: never shown to this tenant's admin.
  await storeLines(await token(superAdmin), [
    { tenantId: other.id, service, message: `foreign ${word} line` },
  ]);

  const ctx = await context();
  const page = await ctx.newPage();
  await signIn(page, tenantAdmin, '9-logs');
  await page.getByRole('link', { name: 'Logs', exact: true }).click();
  await page.waitForURL(/\/logs/);
  await page.getByLabel('Words in the message').fill(word);
  await page.getByLabel('Service', { exact: true }).fill(service);
  await page.getByRole('button', { name: 'Search logs' }).click();
  await page.getByRole('heading', { name: '2 lines' }).waitFor();
  const first = await rows(page).first().getByRole('cell').allTextContents();
  assert.deepEqual(first.slice(1, 4), ['Info', service, `unrelated ${word} line`]);
  assert.equal(await page.getByText(`foreign ${word} line`).count(), 0);
  await shot(page, '9-logs');

  // The trace link shows every line of the trace, from both services, whatever the filters.
  await page.getByRole('link', { name: new RegExp(`Every line of trace ${traceId.slice(0, 8)}`) }).click();
  await page.waitForURL(new RegExp(`traceId=${traceId}`));
  await page.getByRole('heading', { name: 'Every line of one trace', level: 1 }).waitFor();
  await page.getByRole('heading', { name: '2 lines' }).waitFor();
  await page.getByRole('cell', { name: `grading ${word} failed` }).waitFor();
  await page.getByRole('cell', { name: `enrolment ${word} accepted` }).waitFor();
  await shot(page, '9-logs-trace');

  // Minimum level.
  await page.goto(`${platform.adminUrl}/logs?q=${word}&level=error`);
  await page.getByRole('heading', { name: '1 line' }).waitFor();
  await page.getByRole('cell', { name: 'Error', exact: true }).waitFor();

  // Paged newest first, 50 at a time, by cursor.
  await page.goto(`${platform.adminUrl}/logs?service=${service}-paged`);
  await page.getByRole('heading', { name: '50 lines' }).waitFor();
  await page.getByRole('cell', { name: `paged ${word} line 0`, exact: true }).waitFor();
  await page.getByRole('link', { name: 'Older lines' }).click();
  await page.getByRole('heading', { name: '5 lines' }).waitFor();
  await page.getByRole('cell', { name: `paged ${word} line 54`, exact: true }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Older lines' }).count(), 0);

  // A tenant admin cannot pick another tenant: the parameter is ignored, the service decides.
  await page.goto(`${platform.adminUrl}/logs?q=${word}&tenantId=${other.id}`);
  await page.getByRole('heading', { name: /\d+ lines/ }).waitFor();
  assert.equal(await page.getByText(`foreign ${word} line`).count(), 0);
  assert.equal(await page.getByLabel('Tenant').count(), 0);

  // Bad input next to the fields.
  await page.goto(`${platform.adminUrl}/logs?traceId=nope&from=yesterday&service=Bad Service!`);
  await page.getByText('Enter a trace id: 32 characters 0–9 and a–f.').waitFor();
  await page.getByText('Enter a date and time.').waitFor();
  await page.getByText('Use lowercase letters, digits and hyphens, such as course-service.').waitFor();
  assert.equal(await page.getByLabel('Trace ID').getAttribute('aria-invalid'), 'true');
  await shot(page, '9-logs-errors');
  await page.goto(`${platform.adminUrl}/logs?from=2026-11-20T10:00&to=2026-11-19T10:00`);
  await page.getByText('The end date comes before the start date.').waitFor();
  await page.goto(`${platform.adminUrl}/logs?from=2026-01-01T00:00&to=2026-03-01T00:00`);
  await page.getByText('Search at most 31 days, within the last 31 days.').waitFor();
  await ctx.close();

  // The super admin picks the other tenant and sees its line (in Spanish).
  const es = await context('es-ES');
  const root = await es.newPage();
  await root.goto(`${platform.adminUrl}/sign-in`);
  await root.getByLabel('Distrito escolar (inquilino)').fill(superAdmin.tenant);
  await root.getByLabel('Correo electrónico').fill(superAdmin.email);
  await root.getByLabel('Contraseña').fill(PASSWORD);
  await root.getByRole('button', { name: 'Iniciar sesión' }).click();
  await root.waitForURL(/\/tenants/);
  await root.goto(`${platform.adminUrl}/logs`);
  await root.getByLabel('Palabras del mensaje').fill(word);
  await root.getByLabel('Inquilino').selectOption(other.id);
  await root.getByRole('button', { name: 'Buscar en los registros' }).click();
  await root.getByRole('heading', { name: '1 línea' }).waitFor();
  await root.getByRole('cell', { name: `foreign ${word} line` }).waitFor();
  await shot(root, '9-logs-super-admin-es');
  await es.close();
});

test('the super admin edits a tenant; a tenant admin cannot change another tenant (403)', {
  skip,
}, async () => {
  const superAdmin = await user(tenant, ['super_admin'], 'Ed Editor');
  const target = await createTestTenant(admin, 'admin-edit');
  const ctx = await context();
  const page = await ctx.newPage();
  await signIn(page, superAdmin, '10-tenant-edit');
  await page.goto(`${platform.adminUrl}/tenants`);
  await page.getByRole('link', { name: `Edit ${target.slug}` }).click();
  await page.waitForURL(/edit=/);
  const name = page.getByLabel('Tenant name');
  await name.fill('');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Fill in this field.').waitFor();
  assert.equal(await page.getByLabel('Tenant name').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel('Tenant name').inputValue(), '');
  await shot(page, '10-tenant-edit-errors');
  await page.getByLabel('Tenant name').fill('Renamed District');
  await page.getByLabel('People may register themselves').check();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Tenant saved.').waitFor();
  await page.getByRole('cell', { name: 'Renamed District' }).waitFor();
  await shot(page, '10-tenants-edited');
  const [stored] = await admin<{ name: string; settings: { selfRegistration?: boolean } }[]>`
    select name, settings from identity.tenants where id = ${target.id}`;
  assert.equal(stored?.name, 'Renamed District');
  assert.equal(stored?.settings.selfRegistration, true);
  await ctx.close();

  const tenantAdmin = await user(tenant, ['tenant_admin'], 'Tia Tenant');
  const patch = await fetch(`${platform.gatewayUrl}/api/auth-service/tenants/${target.id}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${await token(tenantAdmin)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Taken Over' }),
  });
  assert.equal(patch.status, 403);
  const [unchanged] = await admin<
    { name: string }[]
  >`select name from identity.tenants where id = ${target.id}`;
  assert.equal(unchanged?.name, 'Renamed District');
});
