import type { Sql, Tx } from '@eduspry/common';

export interface SigningKeyRow {
  kid: string;
  alg: 'EdDSA' | 'ES256';
  public_jwk: Record<string, unknown>;
  private_jwk: string;
  created_at: Date;
  retired_at: Date | null;
  published_until: Date | null;
}

/** Keys still published: the signing one and retired ones whose tokens may not have expired yet. */
export async function listPublishedKeys(sql: Sql | Tx): Promise<SigningKeyRow[]> {
  return sql<SigningKeyRow[]>`
    select kid, alg, public_jwk, private_jwk, created_at, retired_at, published_until
    from identity.signing_keys
    where published_until is null or published_until > now()
    order by created_at desc`;
}

export async function insertSigningKey(
  tx: Tx,
  key: { kid: string; alg: string; publicJwk: Record<string, unknown>; privateJwk: string },
): Promise<void> {
  await tx`insert into identity.signing_keys (kid, alg, public_jwk, private_jwk)
           values (${key.kid}, ${key.alg}, ${tx.json(key.publicJwk as never)}, ${key.privateJwk})`;
}

/** Retires every signing key but `keep`: they sign nothing new and vanish from the JWKS after `overlapSeconds`. */
export async function retireKeysExcept(tx: Tx, keep: string, overlapSeconds: number): Promise<void> {
  await tx`update identity.signing_keys
           set retired_at = now(), published_until = now() + make_interval(secs => ${overlapSeconds})
           where kid <> ${keep} and retired_at is null`;
}

/** Serialises key creation across instances of the service. */
export async function lockSigningKeys(tx: Tx): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtext('identity.signing_keys'))`;
}
