// The house shape of a service, checked rather than hoped for (scripts/lib/service-shape.ts).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, services, shapeViolations } from '../lib/service-shape.ts';

test('every service keeps its shape: transport never imports db/, handlers stay short, db/ takes only types from domain/', () => {
  const all = services(ROOT).flatMap(shapeViolations);
  assert.deepEqual(all, []);
});

test('the shape check catches a route that reads the database itself and a handler that grew', async () => {
  const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'shape-'));
  try {
    mkdirSync(join(dir, 'routes'));
    mkdirSync(join(dir, 'db'));
    const body = Array.from({ length: 30 }, (_, i) => `    const x${i} = ${i};`).join('\n');
    writeFileSync(
      join(dir, 'routes', 'things.ts'),
      `import { findThing } from '../db/things.ts';\nexport async function r(app) {\n  app.get('/things', {}, async (request) => {\n${body}\n    return findThing();\n  });\n}\n`,
    );
    writeFileSync(
      join(dir, 'db', 'things.ts'),
      "import { rule } from '../domain/rules.ts';\nimport type { T } from '../domain/rules.ts';\n",
    );
    const violations = shapeViolations(dir);
    assert.equal(violations.length, 3, violations.join('\n'));
    assert.match(violations[0]!, /imports \.\.\/db\/things\.ts/);
    assert.match(violations[1]!, /GET \/things: handler is 33 lines/);
    assert.match(violations[2]!, /db\/things\.ts imports values from \.\.\/domain\/rules\.ts/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
