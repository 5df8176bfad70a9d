-- identity, continued (auth-service): signing keys, sessions and refresh tokens, single-use
-- tokens (email verification, password reset, invitations), sign-in lockouts, the audit log,
-- and per-tenant external identity providers (OIDC).

-- Signing keys are the platform's, not a tenant's: only auth_service reaches them.
-- The private key is stored as an encrypted JWK (AES-256-GCM under AUTH_KEY_ENCRYPTION_SECRET).
create table identity.signing_keys (
  kid text primary key,
  alg text not null check (alg in ('EdDSA', 'ES256')),
  public_jwk jsonb not null,
  private_jwk text not null,
  created_at timestamptz not null default now(),
  -- Once retired a key signs nothing new, but stays published until every token it signed expired.
  retired_at timestamptz,
  published_until timestamptz
);
alter table identity.signing_keys enable row level security;
grant select, insert, update, delete on identity.signing_keys to auth_service;
create policy platform_access on identity.signing_keys for all to auth_service using (true) with check (true);

-- A session is one sign-in; its refresh tokens form one rotation family.
create table identity.sessions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references identity.tenants (id),
  user_id uuid not null references identity.users (id),
  provider text not null default 'password',
  user_agent text,
  ip text,
  created_at timestamptz not null default now(),
  last_refreshed_at timestamptz,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_reason text
);
create index sessions_tenant_id_idx on identity.sessions (tenant_id);
create index sessions_user_id_idx on identity.sessions (user_id) where revoked_at is null;
select eduspry.protect_tenant_table('identity.sessions', 'auth_service');

-- Only a SHA-256 of each refresh token is kept. A token used once is replaced; presenting it
-- again is reuse, and reuse revokes the whole session.
create table identity.refresh_tokens (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  session_id uuid not null references identity.sessions (id) on delete cascade,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  used_at timestamptz
);
create index refresh_tokens_tenant_id_idx on identity.refresh_tokens (tenant_id);
create index refresh_tokens_session_id_idx on identity.refresh_tokens (session_id);
select eduspry.protect_tenant_table('identity.refresh_tokens', 'auth_service');

-- Email verification, password reset and invitation tokens: hashed, expiring, single-use.
create table identity.one_time_tokens (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  user_id uuid not null references identity.users (id) on delete cascade,
  purpose text not null check (purpose in ('verify_email', 'reset_password', 'invitation')),
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index one_time_tokens_tenant_id_idx on identity.one_time_tokens (tenant_id);
create index one_time_tokens_user_purpose_idx on identity.one_time_tokens (user_id, purpose, created_at);
select eduspry.protect_tenant_table('identity.one_time_tokens', 'auth_service');

-- Failed sign-ins per (tenant, email), whether or not the account exists, so a lockout
-- never tells an attacker which emails are real.
create table identity.sign_in_failures (
  tenant_id uuid not null,
  email text not null,
  failures integer not null default 0,
  last_failed_at timestamptz not null default now(),
  locked_until timestamptz,
  primary key (tenant_id, email)
);
create index sign_in_failures_tenant_id_idx on identity.sign_in_failures (tenant_id);
select eduspry.protect_tenant_table('identity.sign_in_failures', 'auth_service');

-- Every security-relevant action, append-only for everyone but the owning service.
create table identity.audit_events (
  id bigint generated always as identity primary key,
  tenant_id uuid not null,
  action text not null,
  actor_id uuid,
  subject_id uuid,
  ip text,
  detail jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index audit_events_tenant_id_idx on identity.audit_events (tenant_id, created_at);
select eduspry.protect_tenant_table('identity.audit_events', 'auth_service');

-- A district's own IdP: OpenID Connect, authorization code + PKCE.
create table identity.oidc_providers (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references identity.tenants (id),
  name text not null check (name ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(name) <= 63),
  issuer text not null,
  client_id text not null,
  client_secret text,
  scopes text not null default 'openid email profile',
  -- Whether an unknown email signing in through this IdP becomes a new user (as a student).
  auto_provision boolean not null default false,
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, name)
);
create index oidc_providers_tenant_id_idx on identity.oidc_providers (tenant_id);
select eduspry.protect_tenant_table('identity.oidc_providers', 'auth_service');

-- The state of an authorization request between the redirect to the IdP and its callback.
create table identity.oidc_login_states (
  state text primary key,
  tenant_id uuid not null,
  provider_id uuid not null references identity.oidc_providers (id) on delete cascade,
  code_verifier text not null,
  nonce text not null,
  redirect_to text not null,
  expires_at timestamptz not null
);
create index oidc_login_states_tenant_id_idx on identity.oidc_login_states (tenant_id);
select eduspry.protect_tenant_table('identity.oidc_login_states', 'auth_service');

-- Which IdP subject is which user.
create table identity.user_identities (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  user_id uuid not null references identity.users (id) on delete cascade,
  provider_id uuid not null references identity.oidc_providers (id) on delete cascade,
  subject text not null,
  created_at timestamptz not null default now(),
  unique (provider_id, subject)
);
create index user_identities_tenant_id_idx on identity.user_identities (tenant_id);
select eduspry.protect_tenant_table('identity.user_identities', 'auth_service');
