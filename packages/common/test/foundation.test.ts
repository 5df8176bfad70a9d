import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Type } from 'typebox';
import { ConfigError, loadConfig } from '../src/index.ts';

test('every npm script runs on Node 24 LTS', () => {
  assert.match(process.versions.node, /^24\./);
});

test('config converts env strings to declared types and applies defaults', () => {
  const schema = Type.Object({
    PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 4001 }),
    DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
    FEATURE: Type.Boolean({ default: false }),
  });
  const config = loadConfig(schema, { DATABASE_URL: 'postgres://x/y', FEATURE: 'true' });
  assert.deepEqual(config, { PORT: 4001, DATABASE_URL: 'postgres://x/y', FEATURE: true });
});

test('config fails fast naming the bad variable and its value', () => {
  const schema = Type.Object({
    PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 4001 }),
    DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  });
  assert.throws(
    () => loadConfig(schema, { PORT: 'eighty', DATABASE_URL: 'postgres://x/y' }),
    (error: Error) =>
      error instanceof ConfigError && /PORT/.test(error.message) && /"eighty"/.test(error.message),
  );
  assert.throws(() => loadConfig(schema, { PORT: '99999', DATABASE_URL: 'postgres://x/y' }), /PORT/);
  assert.throws(() => loadConfig(schema, {}), /DATABASE_URL.*not set/);
  assert.throws(() => loadConfig(schema, { DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
});
