import type { Tx } from '@eduspry/common';

export interface OidcProviderRow {
  id: string;
  tenant_id: string;
  name: string;
  issuer: string;
  client_id: string;
  /** Sealed (see domain/sealing.ts); null for a public client. */
  client_secret: string | null;
  scopes: string;
  auto_provision: boolean;
  enabled: boolean;
  updated_at: Date;
}

/** `client_secret` undefined keeps the stored secret of a provider being changed (none for a new one). */
export async function upsertOidcProvider(
  tx: Tx,
  row: Omit<OidcProviderRow, 'id' | 'updated_at' | 'client_secret'> & {
    client_secret: string | null | undefined;
  },
): Promise<OidcProviderRow> {
  const [saved] = await tx<OidcProviderRow[]>`
    insert into identity.oidc_providers (tenant_id, name, issuer, client_id, client_secret, scopes, auto_provision, enabled)
    values (${row.tenant_id}, ${row.name}, ${row.issuer}, ${row.client_id}, ${row.client_secret ?? null}, ${row.scopes},
            ${row.auto_provision}, ${row.enabled})
    on conflict (tenant_id, name) do update set
      issuer = excluded.issuer, client_id = excluded.client_id,
      client_secret = ${row.client_secret === undefined ? tx`oidc_providers.client_secret` : tx`excluded.client_secret`},
      scopes = excluded.scopes, auto_provision = excluded.auto_provision, enabled = excluded.enabled, updated_at = now()
    returning *`;
  return saved!;
}

export async function listOidcProviders(tx: Tx, tenantId: string): Promise<OidcProviderRow[]> {
  return tx<
    OidcProviderRow[]
  >`select * from identity.oidc_providers where tenant_id = ${tenantId} order by name`;
}

export async function findOidcProvider(
  tx: Tx,
  tenantId: string,
  name: string,
): Promise<OidcProviderRow | undefined> {
  const [row] = await tx<OidcProviderRow[]>`
    select * from identity.oidc_providers where tenant_id = ${tenantId} and name = ${name}`;
  return row;
}

export async function findOidcProviderById(tx: Tx, id: string): Promise<OidcProviderRow | undefined> {
  const [row] = await tx<OidcProviderRow[]>`select * from identity.oidc_providers where id = ${id}`;
  return row;
}

export async function deleteOidcProvider(tx: Tx, tenantId: string, name: string): Promise<boolean> {
  const rows =
    await tx`delete from identity.oidc_providers where tenant_id = ${tenantId} and name = ${name} returning id`;
  return rows.length > 0;
}

export interface LoginStateRow {
  state: string;
  tenant_id: string;
  provider_id: string;
  code_verifier: string;
  nonce: string;
  redirect_to: string;
}

export async function insertLoginState(tx: Tx, row: LoginStateRow, ttlSeconds: number): Promise<void> {
  await tx`delete from identity.oidc_login_states where expires_at < now()`;
  await tx`insert into identity.oidc_login_states (state, tenant_id, provider_id, code_verifier, nonce, redirect_to, expires_at)
           values (${row.state}, ${row.tenant_id}, ${row.provider_id}, ${row.code_verifier}, ${row.nonce},
                   ${row.redirect_to}, now() + make_interval(secs => ${ttlSeconds}))`;
}

/** Single use: the state is deleted as it is read; an expired one is not returned. */
export async function takeLoginState(tx: Tx, state: string): Promise<LoginStateRow | undefined> {
  const [row] = await tx<(LoginStateRow & { live: boolean })[]>`
    delete from identity.oidc_login_states where state = ${state}
    returning state, tenant_id, provider_id, code_verifier, nonce, redirect_to, expires_at > now() as live`;
  return row?.live ? row : undefined;
}

export async function findIdentity(
  tx: Tx,
  providerId: string,
  subject: string,
): Promise<{ user_id: string } | undefined> {
  const [row] = await tx<{ user_id: string }[]>`
    select user_id from identity.user_identities where provider_id = ${providerId} and subject = ${subject}`;
  return row;
}

export async function linkIdentity(
  tx: Tx,
  row: { tenantId: string; userId: string; providerId: string; subject: string },
): Promise<void> {
  await tx`insert into identity.user_identities (tenant_id, user_id, provider_id, subject)
           values (${row.tenantId}, ${row.userId}, ${row.providerId}, ${row.subject})
           on conflict (provider_id, subject) do nothing`;
}
