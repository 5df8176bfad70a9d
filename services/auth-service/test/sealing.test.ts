import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seal, unseal } from '../src/domain/sealing.ts';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';

test('secrets at rest are AES-GCM sealed under AUTH_KEY_ENCRYPTION_SECRET and open only with it', () => {
  const sealed = seal(SECRET, 'identity.signing_keys', '{"d":"private-key-material"}');
  assert.match(sealed, /^v1\./);
  assert.doesNotMatch(sealed, /private-key-material/);
  assert.doesNotMatch(
    Buffer.from(sealed.split('.')[3]!, 'base64url').toString('latin1'),
    /private-key-material/,
  );
  assert.equal(unseal(SECRET, 'identity.signing_keys', sealed), '{"d":"private-key-material"}');
  assert.notEqual(
    seal(SECRET, 'identity.signing_keys', 'x'),
    seal(SECRET, 'identity.signing_keys', 'x'),
    'fresh IV each time',
  );
  assert.throws(() => unseal('another-secret-of-at-least-thirty-two-chars', 'identity.signing_keys', sealed));
  assert.throws(
    () => unseal(SECRET, 'identity.oidc_providers.client_secret', sealed),
    'bound to its purpose',
  );
  const tampered = `${sealed.slice(0, -2)}AA`;
  assert.throws(() => unseal(SECRET, 'identity.signing_keys', tampered));
  assert.throws(() => unseal(undefined, 'identity.signing_keys', sealed), /AUTH_KEY_ENCRYPTION_SECRET/);
});

test('without a secret (development only) values are stored plainly and still read back', () => {
  const stored = seal(undefined, 'identity.signing_keys', 'dev-key');
  assert.match(stored, /^plain\./);
  assert.equal(unseal(undefined, 'identity.signing_keys', stored), 'dev-key');
  assert.equal(
    unseal(SECRET, 'identity.signing_keys', stored),
    'dev-key',
    'setting a secret later keeps old keys readable',
  );
});
