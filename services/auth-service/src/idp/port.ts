/**
 * The port for external identity providers. auth-service talks to a district's IdP only
 * through this; the OpenID Connect adapter (idp/oidc.ts) is the one implementation today.
 */
export interface ExternalIdentity {
  /** The IdP's stable id for the person (`sub`). */
  subject: string;
  email?: string | undefined;
  emailVerified: boolean;
  name?: string | undefined;
}

export interface AuthorizationRequest {
  redirectUri: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface IdentityProviderClient {
  /** Where to send the browser (authorization code + PKCE S256). */
  authorizationUrl(request: AuthorizationRequest): Promise<URL>;
  /** Exchanges the code on the callback URL, checking state, nonce and the PKCE verifier. */
  complete(callbackUrl: URL, request: AuthorizationRequest): Promise<ExternalIdentity>;
}

export interface IdentityProviderSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string | undefined;
  scopes: string;
}

export type IdentityProviderFactory = (settings: IdentityProviderSettings) => IdentityProviderClient;
