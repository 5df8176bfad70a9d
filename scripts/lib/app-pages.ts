// What the apps' browser tests check every page against: the list of an app's pages (from its
// `page.tsx` files, so a page added tomorrow fails the checks until they cover it) and a second
// `next start` of the same build, where no page has been rendered yet, for cold first visits.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { freePort } from './platform-processes.ts';
import { startChild, stopChildren, waitUntilReady } from './processes.ts';

/** A path with its ids written `:id`, as the page list writes them. */
export const routeOf = (path: string) => path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id');

/** The app's pages: route groups dropped, dynamic segments as `:id`; `/` is left out when it
 * only redirects (`redirects: ['/']`). */
export async function appPages(appDir: string, options: { redirects?: string[] } = {}): Promise<string[]> {
  const files = await readdir(join(appDir, 'app'), { recursive: true });
  return files
    .filter((file) => file === 'page.tsx' || file.endsWith('/page.tsx'))
    .map(
      (file) =>
        `/${file}`
          .replace(/\/?page\.tsx$/, '')
          .replaceAll(/\/\([^)]+\)/g, '')
          .replaceAll(/\[[^\]]+\]/g, ':id') || '/',
    )
    .filter((path) => !options.redirects?.includes(path))
    .sort();
}

/** A second process of the app on its existing build, ready, with only `/ready` asked for. */
export async function startColdApp(name: string, appDir: string, env: NodeJS.ProcessEnv) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = startChild(
    `${name}-cold`,
    appDir,
    '../../scripts/serve-next-app.ts',
    { ...process.env, ...env, PORT: String(port), EDUSPRY_RUN_MODE: 'start' },
    16,
  );
  try {
    await waitUntilReady(`${url}/ready`, child, 60_000);
  } catch (error) {
    await stopChildren([child], 5000);
    throw error;
  }
  return { url, stop: () => stopChildren([child], 5000) };
}

/**
 * Each page's first visit, on freshly started app processes: `visitAll(url)` visits every page
 * of a new process once and returns ms per path. Every visit it times is a first visit; CI runs
 * two test files at once, so a load spike can slow one, and a page over `budgetMs` is measured
 * again on another fresh process (at most `attempts`). Returns each path's best first visit.
 */
export async function coldFirstVisits(
  name: string,
  appDir: string,
  env: NodeJS.ProcessEnv,
  visitAll: (url: string) => Promise<Record<string, number>>,
  { budgetMs = 1000, attempts = 3 } = {},
): Promise<Record<string, number>> {
  const best: Record<string, number> = {};
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const cold = await startColdApp(name, appDir, env);
    try {
      const timings = await visitAll(cold.url);
      console.log(
        `${name} first visits, fresh process ${attempt} (ms, until the load event): ${JSON.stringify(timings)}`,
      );
      for (const [path, ms] of Object.entries(timings))
        best[routeOf(path)] = Math.min(best[routeOf(path)] ?? ms, ms);
    } finally {
      await cold.stop();
    }
    if (Object.values(best).every((ms) => ms < budgetMs)) break;
  }
  return best;
}

/** Milliseconds from the start of the page's last navigation to its load event. */
export async function loadTime(page: Page): Promise<number> {
  const ms = Number(
    await page.evaluate(`(() => {
      const [navigation] = performance.getEntriesByType('navigation');
      return navigation.loadEventEnd - navigation.startTime;
    })()`),
  );
  return Math.round(ms);
}
