import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { problems } from '../src/problems.ts';

test('the README documents every problem code the service answers', async () => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  for (const code of Object.keys(problems.specs)) assert.match(readme, new RegExp(`\`${code}\``), code);
});
