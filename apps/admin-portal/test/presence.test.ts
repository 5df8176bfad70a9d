// The presence privacy page of the admin portal in Debian's Chromium: a tenant admin chooses who
// shows as "Here now" on the district's course pages, saved in realtime-service through the
// gateway; anyone else is refused, by the portal and by realtime-service. Scanned with axe-core.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import {
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

/** What realtime-service answers the gateway's `GET /api/realtime-service/settings/presence` for `who`. */
async function presenceFor(who: { email: string; tenant: string }) {
  const answer = await fetch(`${platform.gatewayUrl}/api/realtime-service/settings/presence`, {
    headers: { authorization: `Bearer ${await token(who)}` },
  });
  assert.equal(answer.status, 200, await answer.clone().text());
  return (await answer.json()) as { coursePresence: string };
}

const checked = (page: Page, label: string) => page.getByRole('radio', { name: label }).isChecked();

test('a tenant admin shows only teachers and TAs as here now; it is saved in realtime-service', {
  skip,
}, async () => {
  const tenantAdmin = await user(tenant, ['tenant_admin'], 'Pia Presence');
  const student = await user(tenant, ['student'], 'Sol Student');
  assert.deepEqual(await presenceFor(student), { coursePresence: 'everyone' }, 'the default');

  const ctx = await context();
  const page = await ctx.newPage();
  await signIn(page, tenantAdmin, '14-presence');
  await page.getByRole('link', { name: 'Presence', exact: true }).click();
  await page.getByRole('heading', { name: 'Presence privacy', level: 1 }).waitFor();
  await page.getByText('Now: Everyone in the course.').waitFor();
  assert.equal(await checked(page, 'Everyone in the course'), true);
  // Each choice says what it means, and the page says when a change takes effect.
  await page.getByText('Students still see them, but are not shown themselves.').waitFor();
  await page.getByText('keep their current visibility until they reload the page').waitFor();
  await shot(page, '14-presence');

  await page.getByRole('radio', { name: 'Only teachers and TAs' }).check();
  await page.getByRole('button', { name: 'Save presence privacy' }).click();
  await page.getByText('Presence privacy saved.').waitFor();
  await page.getByText('Now: Only teachers and TAs.').waitFor();
  assert.equal(await checked(page, 'Only teachers and TAs'), true);
  assert.equal(await checked(page, 'Everyone in the course'), false);
  await shot(page, '14-presence-saved');
  // Read back from realtime-service through the gateway, by the admin and by a student of the district.
  assert.deepEqual(await presenceFor(tenantAdmin), { coursePresence: 'staff' });
  assert.deepEqual(await presenceFor(student), { coursePresence: 'staff' });

  // The same choice again changes nothing, and says so.
  await page.getByRole('button', { name: 'Save presence privacy' }).click();
  await page.getByText('Nothing changed.').waitFor();
  await page.reload();
  assert.equal(await checked(page, 'Only teachers and TAs'), true);
  await ctx.close();

  // In Spanish too.
  const es = await context('es-ES');
  const spanish = await es.newPage();
  await spanish.goto(`${platform.adminUrl}/sign-in`);
  await spanish.getByLabel('Distrito escolar (inquilino)').fill(tenantAdmin.tenant);
  await spanish.getByLabel('Correo electrónico').fill(tenantAdmin.email);
  await spanish.getByLabel('Contraseña').fill(PASSWORD);
  await spanish.getByRole('button', { name: 'Iniciar sesión' }).click();
  await spanish.waitForURL(/\/users/);
  await spanish.getByRole('link', { name: 'Presencia', exact: true }).click();
  await spanish.getByRole('heading', { name: 'Privacidad de presencia', level: 1 }).waitFor();
  await spanish.getByText('Ahora: Solo docentes y asistentes de docencia.').waitFor();
  await spanish.getByText('hasta que vuelva a cargar la página').waitFor();
  await shot(spanish, '14-presence-es');
  await es.close();
});

test('a teacher or student may not change the presence privacy, in the portal or behind it', {
  skip,
}, async () => {
  const instructor = await user(tenant, ['instructor'], 'Ines Instructor');
  const student = await user(tenant, ['student'], 'Stan Student');
  const before = await presenceFor(student);

  // The portal lets them in neither by its sign-in nor with a token of theirs in its cookie.
  const ctx = await context();
  await ctx.addCookies([
    { name: 'eduspry_admin_at', value: await token(instructor), url: platform.adminUrl!, httpOnly: true },
  ]);
  const page = await ctx.newPage();
  const response = await page.goto(`${platform.adminUrl}/presence`);
  assert.equal(response?.status(), 403);
  await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Save presence privacy' }).count(), 0);
  await ctx.close();

  // realtime-service refuses them through the gateway, whatever they send.
  for (const who of [instructor, student]) {
    const answer = await fetch(`${platform.gatewayUrl}/api/realtime-service/settings/presence`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await token(who)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ coursePresence: 'off' }),
    });
    assert.equal(answer.status, 403, who.name);
    assert.equal(answer.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  }
  assert.deepEqual(await presenceFor(student), before, 'nothing changed');
});
