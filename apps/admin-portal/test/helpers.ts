// What the admin portal's browser test files share: one platform of real processes per file
// (every service, the api-gateway, `next start` of the portal) on free ports and the database
// `npm test` prepared, Debian's Chromium through playwright-core, an axe-core scan of every page
// shown (0 serious or critical violations) and screenshots in test-artifacts/browser/admin-*.
// A test file calls `portalPerFile()` once at its top, then uses the helpers below.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Sql } from '@eduspry/common';
import { adminDb, createTestTenant, type TestTenant } from '@eduspry/common/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type PlatformProcesses, startPlatformProcesses } from '../../../scripts/lib/platform-processes.ts';
import { hashPassword } from '../../../services/auth-service/src/domain/passwords.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const APP = new URL('..', import.meta.url).pathname;
export const ARTIFACTS = new URL('../../../test-artifacts/browser/', import.meta.url).pathname;
export const PASSWORD = 'Admin-Browser-Test-2026';
export const skip = !existsSync(CHROMIUM) ? `${CHROMIUM} is missing: run scripts/ensure-chromium.sh` : false;
if (skip) console.log(`browser tests skipped: ${skip}`);

// Live bindings: set by portalPerFile()'s before hook, read by the test files.
export let platform: PlatformProcesses;
export let admin: Sql;
export let browser: Browser;
/** The tenant of the file's tests (each test adds the users it needs). */
export let tenant: TestTenant;
const passwordHash = await hashPassword(PASSWORD);
/** Every page scanned, with its violation count (reported at the end). */
const scanned: Record<string, number> = {};

/** Starts the platform and the browser before the file's tests and stops them after. */
export function portalPerFile(): void {
  before(async () => {
    if (skip) return;
    await mkdir(ARTIFACTS, { recursive: true });
    admin = adminDb();
    platform = await startPlatformProcesses({ adminPortal: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    tenant = await createTestTenant(admin, 'admin');
  });
  after(async () => {
    if (skip) return;
    console.log(`axe-scanned pages: ${JSON.stringify(scanned)}`);
    await browser?.close();
    await platform?.stop();
    await admin?.end();
  });
}

export async function user(on: TestTenant, roles: string[], name: string) {
  const email = `${name.toLowerCase().replaceAll(' ', '.')}-${randomUUID().slice(0, 6)}@admin.test`;
  const [row] = await admin<{ id: string }[]>`
    insert into identity.users (tenant_id, email, display_name, password_hash, roles, status, email_verified_at)
    values (${on.id}, ${email}, ${name}, ${passwordHash}, ${roles}, 'active', now()) returning id`;
  return { id: row!.id, email, tenant: on.slug, name };
}

export async function context(locale = 'en-US'): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
}

/** axe-core on the page as it is: no serious or critical violation (WCAG 2.1 A and AA rules). */
export async function scan(page: Page, label: string) {
  // Next streams a dynamic page's metadata after its body: scan once the title has arrived (a page
  // that never gets one still fails, on axe's document-title rule).
  await page.waitForFunction("document.title !== ''", null, { timeout: 5000 }).catch(() => {});
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  scanned[label] = bad.length;
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`),
    [],
    `axe violations on ${label}`,
  );
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(ARTIFACTS, `admin-${name}.png`), fullPage: true });
  await scan(page, name);
}

export async function signIn(page: Page, who: { email: string; tenant: string }, label: string) {
  await page.goto(`${platform.adminUrl}/sign-in`);
  await page.getByLabel('School district (tenant)').fill(who.tenant);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/(users|tenants)/);
  await shot(page, `${label}-signed-in`);
}

export async function token(who: { email: string; tenant: string }): Promise<string> {
  const answer = await fetch(`${platform.gatewayUrl}/api/auth-service/token?grant_type=password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: who.tenant, email: who.email, password: PASSWORD }),
  });
  assert.equal(answer.status, 200);
  return ((await answer.json()) as { access_token: string }).access_token;
}

/** Presses Tab until the focused element matches `selector` (at most `max` presses). */
export async function tabTo(page: Page, selector: string, max = 40): Promise<number> {
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`))
      return presses;
  }
  throw new Error(`Tab never reached ${selector}`);
}
