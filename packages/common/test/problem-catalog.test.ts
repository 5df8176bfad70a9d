import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defineProblems, errors, HttpProblem, PROBLEM_BASE } from '../src/index.ts';
import { problemCatalogDrift, problemCodesIn } from '../src/testing.ts';

test('a catalog creates its problems by code and matches them by type', () => {
  const problems = defineProblems({ 'module-locked': { status: 403, title: 'Locked' } });
  const problem = problems.create('module-locked', 'not yet', { reason: 'locked-until-date' });
  assert.ok(problem instanceof HttpProblem);
  assert.deepEqual(problem.toDocument(), {
    type: `${PROBLEM_BASE}module-locked`,
    title: 'Locked',
    status: 403,
    detail: 'not yet',
    reason: 'locked-until-date',
  });
  assert.equal(problems.is(problem.toDocument(), 'module-locked'), true);
  assert.equal(problems.is({ type: `${PROBLEM_BASE}forbidden` }, 'module-locked'), false);
  assert.throws(() => problems.create('made-up' as never), /not in the catalog/);
  assert.deepEqual(Object.keys(errors(400, 404)), ['400', '404']);
});

test('the catalog check names a thrown code missing from the catalog and a code missing from the README', () => {
  const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
  try {
    mkdirSync(join(dir, 'src', 'domain'), { recursive: true });
    writeFileSync(
      join(dir, 'src', 'domain', 'thing.ts'),
      "throw problems.create('thing-gone', 'x');\nthrow new HttpProblem(409, 'thing-clash', 'Conflict');\nthrow notFound('x');\n",
    );
    writeFileSync(join(dir, 'README.md'), '| `thing-gone` | 410 |\n| `not-found` | 404 |\n');
    assert.deepEqual([...problemCodesIn(join(dir, 'src')).keys()].sort(), [
      'not-found',
      'thing-clash',
      'thing-gone',
    ]);
    const drift = problemCatalogDrift({
      specs: {
        'thing-gone': { status: 410, title: 'Gone' },
        'not-found': { status: 404, title: 'Not Found' },
        spare: { status: 400, title: 'x' },
      },
      srcDir: join(dir, 'src'),
      readme: join(dir, 'README.md'),
    });
    assert.equal(drift.length, 2);
    assert.match(drift[0]!, /^thing-clash is thrown .* but not in the catalog$/);
    assert.match(drift[1]!, /^spare is in the catalog but not in /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
