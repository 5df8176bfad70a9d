// A tenant admin imports a OneRoster users.csv on /roster: the dry run's diff first, removals only
// when ticked, then exactly that diff in the database. Every page is axe-scanned (helpers.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestTenant } from '@eduspry/common/testing';
import {
  admin,
  context,
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

const HEADER = 'sourcedId,status,enabledUser,role,givenName,familyName,email';
const csv = (lines: string[]) => ({
  name: 'users.csv',
  mimeType: 'text/csv',
  buffer: Buffer.from([HEADER, ...lines].join('\n')),
});

test('a tenant admin previews a roster, sees bad rows by line, applies it with removals ticked', {
  skip,
}, async () => {
  const tenantAdmin = await user(tenant, ['tenant_admin'], 'Rosa Roster');
  const leaving = await user(tenant, ['student'], 'Lea Leaving');
  const promoted = await user(tenant, ['student'], 'Pat Promoted');
  const ctx = await context();
  const page = await ctx.newPage();
  await signIn(page, tenantAdmin, 'roster-0');
  await page.getByRole('link', { name: 'Roster import' }).click();
  await page.getByRole('heading', { name: 'Roster import', level: 1 }).waitFor();
  await shot(page, 'roster-1-upload');

  // No file, then a file that is not a users.csv: the answer is next to the field.
  await page.getByRole('button', { name: 'Preview changes' }).click();
  await page.getByText('Choose a users.csv file.').waitFor();
  assert.equal(await page.getByLabel('users.csv file').getAttribute('aria-invalid'), 'true');
  await page
    .getByLabel('users.csv file')
    .setInputFiles({ name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2') });
  await page.getByRole('button', { name: 'Preview changes' }).click();
  await page.getByText('This is not a OneRoster users.csv').waitFor();
  await shot(page, 'roster-2-not-a-roster');

  const kids = Array.from(
    { length: 60 },
    (_, i) => `k${i},active,true,student,Kid,No${i},kid${i}-${tenant.slug}@roster.test`,
  );
  await page
    .getByLabel('users.csv file')
    .setInputFiles(
      csv([
        ...kids,
        `t1,active,true,teacher,Pat,Promoted,${promoted.email}`,
        'p1,active,true,parent,Par,Ent,parent@roster.test',
      ]),
    );
  await page.getByRole('button', { name: 'Preview changes' }).click();
  await page.getByRole('heading', { name: 'What this import would do' }).waitFor();
  const count = async (label: string) =>
    (await page.locator('.roster-counts div', { hasText: label }).locator('dd').textContent())?.trim();
  assert.equal(await count('Accounts to create'), '60');
  assert.equal(await count('Accounts to change'), '1');
  assert.equal(await count('Accounts that could be removed'), '1');
  assert.equal(await count('Rows with errors'), '1');
  await page.getByText('1–50 of 60').waitFor();
  await shot(page, 'roster-3-diff');
  await page.getByRole('link', { name: 'Next' }).click();
  await page.getByText('51–60 of 60').waitFor();
  await page.getByRole('link', { name: /^Rows with errors/ }).click();
  await page.getByRole('cell', { name: /parent accounts are not supported/ }).waitFor();
  assert.deepEqual((await page.getByRole('row').nth(1).getByRole('cell').allTextContents()).slice(0, 2), [
    '63',
    'users.csv',
  ]);
  await page.getByRole('link', { name: /^Could be removed/ }).click();
  await page.getByRole('cell', { name: leaving.email }).waitFor();
  await shot(page, 'roster-4-removals');

  await page.getByLabel(/Also remove \(deactivate\) the 1 account/).check();
  await page.getByRole('button', { name: 'Apply these changes' }).click();
  await page.getByText('The import was applied.').waitFor();
  await page
    .getByText('Created 60, changed 1, removed 1; 0 proposed removals were left as they were.')
    .waitFor();
  await shot(page, 'roster-5-applied');

  const rows = await admin<{ email: string; roles: string[]; status: string }[]>`
    select email, roles, status from identity.users where tenant_id = ${tenant.id}`;
  const byEmail = new Map(rows.map((row) => [row.email, row]));
  for (let i = 0; i < 60; i++)
    assert.equal(byEmail.get(`kid${i}-${tenant.slug}@roster.test`)?.status, 'active');
  assert.deepEqual(byEmail.get(promoted.email)?.roles, ['instructor']);
  assert.equal(byEmail.get(leaving.email)?.status, 'deactivated');
  assert.equal(byEmail.get(tenantAdmin.email)?.status, 'active', 'the importer is never removed');
  assert.equal(byEmail.has('parent@roster.test'), false);
  await ctx.close();
});

test('the roster page in Spanish, and another district cannot open this district’s dry run', {
  skip,
}, async () => {
  const mine = await user(tenant, ['tenant_admin'], 'Mia Mine');
  const ctx = await context();
  const page = await ctx.newPage();
  await signIn(page, mine, 'roster-es-0');
  // The language switcher's cookie: Spanish from here on.
  await ctx.addCookies([{ name: 'NEXT_LOCALE', value: 'es', url: new URL(page.url()).origin }]);
  await page.goto(new URL('/roster', page.url()).href);
  await page.getByRole('heading', { name: 'Importación de matrícula', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Ver los cambios' }).click();
  await page.getByText('Elija un archivo users.csv.').waitFor();
  await page
    .getByLabel('Archivo users.csv')
    .setInputFiles(csv(['k1,active,true,student,Ana,Uno,ana-es@roster.test']));
  await page.getByRole('button', { name: 'Ver los cambios' }).click();
  await page.getByRole('heading', { name: 'Lo que haría esta importación' }).waitFor();
  await shot(page, 'roster-6-diff-es');
  const importUrl = page.url();
  await ctx.close();

  const other = await createTestTenant(admin, 'admin-roster-other');
  const stranger = await user(other, ['tenant_admin'], 'Otto Other');
  const ctx2 = await context();
  const page2 = await ctx2.newPage();
  await signIn(page2, stranger, 'roster-other-0');
  await page2.goto(importUrl.replace(/^https?:\/\/[^/]+/, new URL(page2.url()).origin));
  await page2.getByText('This dry run does not exist, or belongs to another district.').waitFor();
  assert.equal(await page2.getByRole('button', { name: 'Apply these changes' }).count(), 0);
  await shot(page2, 'roster-7-other-district');
  await ctx2.close();
});

test('then the enrolments: previewed with bad rows by file and line, applied exactly as shown', {
  skip,
}, async () => {
  const district = await createTestTenant(admin, 'admin-enrol');
  const rosa = await user(district, ['tenant_admin'], 'Rosa Enrol');
  const teacher = await user(district, ['instructor'], 'Tom Teacher');
  const code = `PHY-${Math.random().toString(36).slice(2, 6)}`;
  const course = await fetch(`${platform.gatewayUrl}/api/course-service/courses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await token(teacher)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ code, title: 'Physics' }),
  });
  assert.equal(course.status, 201);
  const courseId = ((await course.json()) as { id: string }).id;
  const kids = [1, 2].map((i) => `k${i},active,true,student,Kid,No${i},kid${i}-${district.slug}@roster.test`);
  const usersCsv = csv(kids);

  const ctx = await context();
  const page = await ctx.newPage();
  await signIn(page, rosa, 'enrol-0');
  await page.goto(new URL('/roster', page.url()).href);
  await page.getByLabel('users.csv file').setInputFiles(usersCsv);
  await page.getByRole('button', { name: 'Preview changes' }).click();
  await page.getByRole('button', { name: 'Apply these changes' }).click();
  await page.getByText('The import was applied.').waitFor();
  // The new accounts reach course-service's directory through their user_registered events.
  for (let tries = 0; ; tries++) {
    const [row] = await admin<{ n: number }[]>`
      select count(*)::int as n from course.users where tenant_id = ${district.id} and email like 'kid%'`;
    if (row!.n === 2) break;
    assert.ok(tries < 100, 'the users import reached course-service within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  await page.getByRole('link', { name: '2. Enrolments' }).click();
  await page.getByRole('heading', { name: 'Enrolment import', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Preview enrolments' }).click();
  await page.getByText('Choose this file.').first().waitFor();
  assert.equal(await page.getByText('Choose this file.').count(), 3);
  assert.equal(await page.getByLabel('classes.csv file').getAttribute('aria-invalid'), 'true');
  await shot(page, 'enrol-1-required');

  const file = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  const classes = file('classes.csv', `sourcedId,title,classCode\nc1,Physics,${code}\nc2,Gone,NOPE\n`);
  const enrollments = file(
    'enrollments.csv',
    'sourcedId,classSourcedId,userSourcedId,role\ne1,c1,k1,student\ne2,c1,k2,student\ne3,c2,k1,student\n',
  );
  await page.getByLabel('users.csv file').setInputFiles(usersCsv);
  await page
    .getByLabel('classes.csv file')
    .setInputFiles(file('classes.csv', 'sourcedId,title\nc1,Physics\n'));
  await page.getByLabel('enrollments.csv file').setInputFiles(enrollments);
  await page.getByRole('button', { name: 'Preview enrolments' }).click();
  await page.getByText('This is not the OneRoster file it should be').waitFor();
  assert.equal(await page.getByLabel('classes.csv file').getAttribute('aria-invalid'), 'true');

  await page.getByLabel('users.csv file').setInputFiles(usersCsv);
  await page.getByLabel('classes.csv file').setInputFiles(classes);
  await page.getByLabel('enrollments.csv file').setInputFiles(enrollments);
  await page.getByRole('button', { name: 'Preview enrolments' }).click();
  await page.getByRole('heading', { name: 'What this import would do' }).waitFor();
  const count = async (label: string) =>
    (await page.locator('.roster-counts div', { hasText: label }).locator('dd').textContent())?.trim();
  assert.equal(await count('Enrolments to add'), '2');
  assert.equal(await count('Rows with errors'), '1');
  await page.getByRole('cell', { name: `kid2-${district.slug}@roster.test` }).waitFor();
  await shot(page, 'enrol-2-plan');
  await page.getByRole('link', { name: /^Rows with errors/ }).click();
  await page.getByRole('cell', { name: /"NOPE" is not a course of this tenant/ }).waitFor();
  const [before] = await admin<{ n: number }[]>`
    select count(*)::int as n from course.enrollments where course_id = ${courseId} and role = 'student'`;
  assert.equal(before!.n, 0, 'a dry run enrols nobody');

  await page.getByRole('button', { name: 'Apply these enrolments' }).click();
  await page.getByText('The enrolments were applied.').waitFor();
  await page
    .getByText('Enrolled 2, waitlisted 0, changed 0, dropped 0; 0 proposed drops were left as they were.')
    .waitFor();
  await shot(page, 'enrol-3-applied');
  const enrolled = await admin<{ email: string }[]>`
    select u.email from course.enrollments e join course.users u on u.tenant_id = e.tenant_id and u.user_id = e.user_id
    where e.course_id = ${courseId} and e.role = 'student' and e.status = 'active' order by u.email`;
  assert.deepEqual(
    enrolled.map((row) => row.email),
    [1, 2].map((i) => `kid${i}-${district.slug}@roster.test`),
  );
  await ctx.close();
});
