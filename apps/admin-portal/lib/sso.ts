import type { FieldErrors } from './forms';

/** An identity provider as auth-service lists it (OAuth's registration names; no secret, ever). */
export interface IdentityProvider {
  name: string;
  issuer: string;
  client_id: string;
  has_client_secret: boolean;
  scopes: string;
  auto_provision: boolean;
  enabled: boolean;
  updated_at: string;
}

/** auth-service's rule for a provider's name (it is part of the sign-in URL). */
export const PROVIDER_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** https, or http to this machine only (a local test IdP), as auth-service accepts. */
export function isIssuerUrl(value: string): boolean {
  const url = URL.parse(value);
  const loopback = url !== null && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  return url !== null && (url.protocol === 'https:' || (url.protocol === 'http:' && loopback));
}

/** The form's checks, the same as the route's schema, so the answer comes next to the field. */
export function checkProvider(input: {
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
}): FieldErrors {
  const errors: FieldErrors = {};
  if (!input.name) errors.name = 'required';
  else if (input.name.length > 63 || !PROVIDER_NAME.test(input.name)) errors.name = 'providerName';
  if (!input.issuer) errors.issuer = 'required';
  else if (input.issuer.length < 8 || input.issuer.length > 500 || !isIssuerUrl(input.issuer))
    errors.issuer = 'https';
  if (!input.clientId) errors.clientId = 'required';
  else if (input.clientId.length > 500) errors.clientId = 'tooLong';
  if (input.clientSecret.length > 2000) errors.clientSecret = 'tooLong';
  if (input.scopes && (input.scopes.length > 500 || !input.scopes.split(' ').includes('openid')))
    errors.scopes = 'scopes';
  return errors;
}
