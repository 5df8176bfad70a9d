import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { problems } from '../src/problems.ts';

test('every problem code in the catalog is documented in the README, and nothing else is', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Problems'), readme.indexOf('## Not done yet'));
  const firstCells = [...section.matchAll(/^\| (`[^|]+`)\s*\|/gm)].map((m) => m[1]!);
  const documented = new Set(
    firstCells.flatMap((cell) => [...cell.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!)),
  );
  const codes = Object.keys(problems.specs);
  assert.deepEqual(
    codes.filter((code) => !documented.has(code)),
    [],
  );
  assert.deepEqual(
    [...documented].filter((code) => !codes.includes(code)),
    [],
  );
});

test('each documented status matches the catalog', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  for (const [, cells, status] of readme.matchAll(/^\| (`[^|]+`)\s*\| (\d{3})\s*\|/gm)) {
    for (const [, code] of cells!.matchAll(/`([a-z-]+)`/g))
      assert.equal(problems.specs[code as keyof typeof problems.specs].status, Number(status), code);
  }
});
