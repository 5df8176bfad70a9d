import type { PlatformLogger, Sql } from '@eduspry/common';
import type { Mailer } from '@eduspry/common/mailer';
import type { IdentityProviderFactory } from '../idp/port.ts';
import type { EventSink } from './events.ts';
import type { KeyStore } from './signing-keys.ts';

/** What the domain needs from the outside world; built once in app.ts. */
export interface AuthContext {
  sql: Sql;
  keys: KeyStore;
  mailer: Mailer;
  events: EventSink;
  log: PlatformLogger & { warn(fields: Record<string, unknown>, message: string): void };
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  refreshTokenReuseIntervalSeconds: number;
  publicAppUrl: string;
  /** Encrypts secrets at rest (IdP client secrets); see domain/sealing.ts. */
  secretsKey?: string | undefined;
  /** The external identity provider port (OpenID Connect by default). */
  identityProviders: IdentityProviderFactory;
  /** Origins an external sign-in may send the browser back to. */
  redirectOrigins: string[];
}

/** Who is asking, for sessions and the audit log. */
export interface RequestMeta {
  ip?: string | undefined;
  userAgent?: string | undefined;
}
