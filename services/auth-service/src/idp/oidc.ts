import * as client from 'openid-client';
import type { IdentityProviderClient, IdentityProviderFactory, IdentityProviderSettings } from './port.ts';

const DISCOVERY_TTL_MS = 10 * 60_000;
const TIMEOUT_SECONDS = 5;

/** Plain http only for an IdP on this machine (development, tests); anything else must be https. */
function isLoopback(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/**
 * Generic OpenID Connect through openid-client: discovery (cached), authorization code with
 * PKCE S256, ID token validation (issuer, audience, signature, nonce).
 */
export const createOidcClient: IdentityProviderFactory = (
  settings: IdentityProviderSettings,
): IdentityProviderClient => {
  let discovered: { at: number; config: Promise<client.Configuration> } | undefined;
  const configuration = () => {
    if (!discovered || Date.now() - discovered.at > DISCOVERY_TTL_MS) {
      const issuer = new URL(settings.issuer);
      const config = client.discovery(
        issuer,
        settings.clientId,
        undefined,
        settings.clientSecret ? client.ClientSecretBasic(settings.clientSecret) : client.None(),
        {
          timeout: TIMEOUT_SECONDS,
          ...(isLoopback(issuer) ? { execute: [client.allowInsecureRequests] } : {}),
        },
      );
      discovered = { at: Date.now(), config };
      // A failed discovery is not cached: the next sign-in tries again.
      config.catch(() => {
        discovered = undefined;
      });
    }
    return discovered.config;
  };

  return {
    async authorizationUrl({ redirectUri, state, nonce, codeVerifier }) {
      const config = await configuration();
      return client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: settings.scopes,
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      });
    },
    async complete(callbackUrl, { state, nonce, codeVerifier }) {
      const config = await configuration();
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('the identity provider returned no ID token');
      // Many IdPs put only `sub` in the ID token; the rest comes from userinfo, bound to that sub.
      const profile =
        typeof claims.email === 'string'
          ? claims
          : { ...claims, ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)) };
      return {
        subject: claims.sub,
        email: typeof profile.email === 'string' ? profile.email : undefined,
        emailVerified: profile.email_verified === true,
        name: typeof profile.name === 'string' ? profile.name : undefined,
      };
    },
  };
};
