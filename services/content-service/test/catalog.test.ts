import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { problems } from '../src/problems.ts';
import { type Harness, harness } from './helpers.ts';

test('every problem code of the catalog is documented in the README', async () => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  for (const code of Object.keys(problems.specs))
    assert.ok(readme.includes(`\`${code}\``), `README lacks ${code}`);
});

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

test('the OpenAPI document lists the upload, delivery and signed-URL routes', async () => {
  const answer = await h.call(undefined, 'GET', '/openapi.json');
  const paths = Object.keys(JSON.parse(answer.raw.toString()).paths);
  for (const path of [
    '/courses/{courseId}/files',
    '/files/{fileId}/content',
    '/files/{fileId}/signed-url',
    '/signed/{tenantId}/{fileId}/{version}',
    '/files/{fileId}/versions',
  ])
    assert.ok(paths.includes(path), `${path} missing from ${paths.join(', ')}`);
});
