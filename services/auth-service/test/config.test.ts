import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '@eduspry/common';
import { readConfig } from '../src/config.ts';

const base = { DATABASE_URL: 'postgres://auth_service@127.0.0.1/eduspry' };

test('production refuses to start without a key encryption secret', () => {
  assert.throws(
    () => readConfig({ ...base, NODE_ENV: 'production' }),
    (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /AUTH_KEY_ENCRYPTION_SECRET/);
      return true;
    },
  );
  const config = readConfig({ ...base, NODE_ENV: 'production', AUTH_KEY_ENCRYPTION_SECRET: 'x'.repeat(32) });
  assert.equal(config.AUTH_ACCESS_TOKEN_TTL_SECONDS, 900);
  assert.equal(config.AUTH_SIGNING_ALG, 'EdDSA');
});

test('invalid settings name the variable', () => {
  assert.throws(() => readConfig({ ...base, AUTH_SIGNING_ALG: 'HS256' }), /AUTH_SIGNING_ALG/);
  assert.throws(
    () => readConfig({ ...base, AUTH_KEY_ENCRYPTION_SECRET: 'short' }),
    /AUTH_KEY_ENCRYPTION_SECRET/,
  );
  assert.throws(
    () => readConfig({ ...base, AUTH_ACCESS_TOKEN_TTL_SECONDS: '86400' }),
    /AUTH_ACCESS_TOKEN_TTL_SECONDS/,
  );
});
