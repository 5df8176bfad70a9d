import { randomUUID, type webcrypto } from 'node:crypto';
import type { Sql } from '@eduspry/common';
import { errors, exportJWK, generateKeyPair, importJWK, type JWK, type JWTVerifyGetKey } from 'jose';
import {
  insertSigningKey,
  listPublishedKeys,
  lockSigningKeys,
  retireKeysExcept,
  type SigningKeyRow,
} from '../db/signing-keys.ts';
import { seal, unseal } from './sealing.ts';

const PURPOSE = 'identity.signing_keys';

type CryptoKey = webcrypto.CryptoKey;

export type SigningAlg = 'EdDSA' | 'ES256';

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: CryptoKey;
  createdAt: Date;
}

export interface KeyStoreOptions {
  sql: Sql;
  alg: SigningAlg;
  /** Encrypts private keys at rest; without it they are stored as plain JWK (development only). */
  encryptionSecret?: string | undefined;
  /** How long a retired key stays published: at least the access token lifetime. */
  overlapSeconds: number;
  rotateAfterDays: number;
}

const RELOAD_EVERY_MS = 60_000;

/**
 * The service's signing keys, kept in identity.signing_keys so every instance signs with the
 * same key and publishes the same JWKS. Rotation generates a new key that signs from then on;
 * the old one stays in the JWKS for `overlapSeconds` so tokens it signed stay valid until expiry.
 */
export class KeyStore {
  readonly #options: KeyStoreOptions;
  #keys: SigningKeyRow[] = [];
  #signing: SigningKey | undefined;
  #loadedAt = 0;
  #publicKeys = new Map<string, CryptoKey>();

  constructor(options: KeyStoreOptions) {
    this.#options = options;
  }

  /** The key new tokens are signed with; creates the first one, rotates an old one. */
  async signingKey(): Promise<SigningKey> {
    if (!this.#signing || Date.now() - this.#loadedAt > RELOAD_EVERY_MS) await this.#load();
    if (!this.#signing || this.#isDue(this.#signing)) {
      await this.rotate(this.#signing ? 'scheduled' : 'first key');
    }
    return this.#signing!;
  }

  /** Published public keys as a JWKS document. */
  async jwks(): Promise<{ keys: JWK[] }> {
    if (Date.now() - this.#loadedAt > RELOAD_EVERY_MS || this.#keys.length === 0) await this.signingKey();
    return {
      keys: this.#keys.map((row) => ({ ...(row.public_jwk as JWK), kid: row.kid, alg: row.alg, use: 'sig' })),
    };
  }

  /** For verifying our own tokens in-process: the public key by `kid`, reloading on an unknown one. */
  readonly getKey: JWTVerifyGetKey = async (header) => {
    const kid = header.kid;
    if (!kid) throw new errors.JWKSNoMatchingKey('token has no kid');
    let key = this.#publicKeys.get(kid);
    if (!key && Date.now() - this.#loadedAt > 1000) {
      await this.#load();
      key = this.#publicKeys.get(kid);
    }
    if (!key) throw new errors.JWKSNoMatchingKey('unknown kid');
    return key;
  };

  /** Generates a new signing key; earlier keys stay published for the overlap window. */
  async rotate(_reason: string): Promise<string> {
    const { alg, sql, overlapSeconds } = this.#options;
    const kid = await sql.begin(async (tx) => {
      await lockSigningKeys(tx);
      // Another instance may have rotated while we waited for the lock.
      const [newest] = await listPublishedKeys(tx);
      if (_reason !== 'manual' && newest && !newest.retired_at && !this.#isDueRow(newest)) return newest.kid;
      const { publicKey, privateKey } = await generateKeyPair(alg, {
        extractable: true,
        ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
      });
      const kid = randomUUID();
      const publicJwk = await exportJWK(publicKey);
      const privateJwk = seal(
        this.#options.encryptionSecret,
        PURPOSE,
        JSON.stringify(await exportJWK(privateKey)),
      );
      await insertSigningKey(tx, { kid, alg, publicJwk: { ...publicJwk }, privateJwk });
      await retireKeysExcept(tx, kid, overlapSeconds);
      return kid;
    });
    await this.#load();
    return kid;
  }

  async #load(): Promise<void> {
    const rows = await listPublishedKeys(this.#options.sql);
    const publicKeys = new Map<string, CryptoKey>();
    for (const row of rows) {
      publicKeys.set(
        row.kid,
        (await importJWK({ ...(row.public_jwk as JWK), alg: row.alg }, row.alg)) as CryptoKey,
      );
    }
    const current = rows.find((row) => !row.retired_at);
    this.#signing = current
      ? {
          kid: current.kid,
          alg: current.alg,
          createdAt: current.created_at,
          privateKey: (await importJWK(
            JSON.parse(unseal(this.#options.encryptionSecret, PURPOSE, current.private_jwk)),
            current.alg,
          )) as CryptoKey,
        }
      : undefined;
    this.#keys = rows;
    this.#publicKeys = publicKeys;
    this.#loadedAt = Date.now();
  }

  #isDue(key: SigningKey): boolean {
    return Date.now() - key.createdAt.getTime() > this.#options.rotateAfterDays * 86_400_000;
  }

  #isDueRow(row: SigningKeyRow): boolean {
    return Date.now() - row.created_at.getTime() > this.#options.rotateAfterDays * 86_400_000;
  }
}
