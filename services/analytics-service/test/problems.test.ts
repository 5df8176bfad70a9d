import assert from 'node:assert/strict';
import { test } from 'node:test';
import { problemCatalogDrift } from '@eduspry/common/testing';
import { problems } from '../src/problems.ts';

test('every problem code the service throws is in its catalog, and every catalog code in its README', () => {
  const drift = problemCatalogDrift({
    specs: problems.specs,
    srcDir: new URL('../src', import.meta.url).pathname,
    readme: new URL('../README.md', import.meta.url).pathname,
  });
  assert.deepEqual(drift, []);
});
