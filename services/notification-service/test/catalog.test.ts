import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { problems } from '../src/problems.ts';
import { harness } from './helpers.ts';

test('every problem code is documented in the README with its status, and the README names no other', async () => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const documented = new Map(
    [...readme.matchAll(/^\| `([a-z-]+)`\s+\| (\d{3})\s+\|/gm)].map((match) => [match[1]!, Number(match[2])]),
  );
  for (const [code, spec] of Object.entries(problems.specs))
    assert.equal(documented.get(code), spec.status, `${code} is documented with status ${spec.status}`);
  assert.deepEqual([...documented.keys()].sort(), Object.keys(problems.specs).sort());
});

test('the OpenAPI document lists the inbox, preference and webhook routes', async () => {
  const h = await harness();
  try {
    const response = await h.app.inject({ method: 'GET', url: '/openapi.json' });
    const paths = Object.keys(response.json().paths);
    for (const path of [
      '/notifications',
      '/preferences',
      '/webhooks/endpoints',
      '/courses/{courseId}/announcements',
    ])
      assert.ok(paths.includes(path), path);
  } finally {
    await h.close();
  }
});
