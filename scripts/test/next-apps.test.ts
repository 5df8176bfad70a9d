// `npm start` serves what `next build` made from the current sources; `npm run dev` picks up a
// change without a restart. A tiny Next app (in git-ignored test-artifacts/, so that `next`
// and React resolve from the repository's node_modules) goes through the same code the
// launcher runs for every `app: 'next'` entry: buildIfStale, scripts/serve-next-app.ts,
// launchArgs.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, ROOT } from '../lib/database.ts';
import { buildIfStale, sourceFolders, whyBuild } from '../lib/next-apps.ts';
import { type Child, launchArgs, startChild, stopChildren, waitUntilReady } from '../lib/processes.ts';

const SERVE = join(ROOT, 'scripts/serve-next-app.ts');
let app: string;

async function writePage(text: string) {
  await writeFile(join(app, 'app/page.jsx'), `export default function Page() { return <p>${text}</p>; }\n`);
}

before(async () => {
  await mkdir(join(ROOT, 'test-artifacts'), { recursive: true });
  app = await mkdtemp(join(ROOT, 'test-artifacts/next-app-'));
  await mkdir(join(app, 'app'));
  await writeFile(
    join(app, 'package.json'),
    JSON.stringify({ name: 'fixture-app', private: true, dependencies: { next: '*', react: '*' } }),
  );
  await writeFile(
    join(app, 'app/layout.jsx'),
    'export default function Layout({ children }) { return <html lang="en"><body>{children}</body></html>; }\n',
  );
  await writePage('version one');
});
after(async () => {
  if (app) await rm(app, { recursive: true, force: true });
});

async function serve(mode: 'start' | 'dev'): Promise<{ child: Child; url: string; output: () => string }> {
  const port = await freePort();
  let output = '';
  const child = startChild(
    'fixture-app',
    app,
    SERVE,
    { ...process.env, PORT: String(port), EDUSPRY_RUN_MODE: mode },
    12,
  );
  for (const stream of [child.process.stdout!, child.process.stderr!])
    stream.on('data', (chunk) => {
      output += chunk;
    });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(url, child, 120_000);
  return { child, url, output: () => output };
}

async function pageText(url: string): Promise<string> {
  return (await fetch(url)).text();
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not within ${timeoutMs} ms`);
}

test('the web app build depends on the workspace packages it imports', async () => {
  const folders = await sourceFolders(join(ROOT, 'apps/web-app'));
  assert.ok(folders.includes(join(ROOT, 'packages/ui-components')), folders.join(', '));
  assert.ok(folders.includes(join(ROOT, 'packages/contracts')), folders.join(', '));
  assert.ok(!folders.some((folder) => folder.includes('/node_modules/')), 'next and react are not sources');
});

test('start builds once, serves the build, and rebuilds after a source change', async () => {
  const lines: string[] = [];
  assert.match((await whyBuild(app)) ?? '', /no production build/);
  assert.equal(await buildIfStale(app, (line) => lines.push(line)), true);
  assert.equal(await whyBuild(app), undefined);
  assert.equal(await buildIfStale(app, (line) => lines.push(line)), false, 'an up-to-date build is kept');

  const first = await serve('start');
  try {
    assert.match(await pageText(first.url), /version one/);
    assert.match(first.output(), /production build is up to date/);
    assert.doesNotMatch(first.output(), /building for production/);
  } finally {
    await stopChildren([first.child], 5000);
  }

  await writePage('version two');
  assert.match((await whyBuild(app)) ?? '', /app\/page\.jsx changed since the last build/);
  const second = await serve('start');
  try {
    assert.match(second.output(), /building for production \(app\/page\.jsx changed/);
    assert.match(await pageText(second.url), /version two/);
    assert.doesNotMatch(await pageText(second.url), /version one/);
  } finally {
    await stopChildren([second.child], 5000);
  }
});

test('dev serves a changed page without a restart', async () => {
  await writePage('dev version one');
  const dev = await serve('dev');
  try {
    assert.match(await pageText(dev.url), /dev version one/);
    const pid = dev.child.process.pid;
    await writePage('dev version two');
    await eventually(async () => /dev version two/.test(await pageText(dev.url)), 30_000);
    assert.equal(dev.child.process.exitCode, null, 'still the same process');
    assert.equal(dev.child.process.pid, pid);
  } finally {
    await stopChildren([dev.child], 5000);
  }
});

test('dev restarts a service when a file it imports changes', async () => {
  const dir = await mkdtemp(join(ROOT, 'test-artifacts/watched-service-'));
  const port = await freePort();
  await writeFile(join(dir, 'message.ts'), "export const message = 'before';\n");
  await writeFile(
    join(dir, 'main.ts'),
    [
      "import { createServer } from 'node:http';",
      "import { message } from './message.ts';",
      `createServer((_request, response) => response.end(message)).listen(${port}, '127.0.0.1');`,
    ].join('\n'),
  );
  const service = startChild('watched', dir, launchArgs({ main: 'main.ts' }, 'dev'), process.env, 8);
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitUntilReady(url, service, 20_000);
    assert.equal(await pageText(url), 'before');
    await writeFile(join(dir, 'message.ts'), "export const message = 'after';\n");
    await eventually(async () => (await pageText(url)) === 'after', 20_000);
    assert.deepEqual(launchArgs({ main: 'main.ts' }, 'start'), ['main.ts'], 'npm start does not watch');
  } finally {
    await stopChildren([service], 5000);
    await rm(dir, { recursive: true, force: true });
  }
});
