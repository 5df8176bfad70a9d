// What the portal reads from auth-service, as its route schemas say (the generated OpenAPI types
// of packages/contracts), so no page declares auth-service's shapes by hand.
import type { paths as AuthService } from '@eduspry/contracts/openapi/auth-service';
import type { JsonAnswer } from '@eduspry/contracts/openapi-types';

export type TenantUser = JsonAnswer<AuthService, '/tenants/{tenantId}/users/{userId}', 'get'>;
export type UserSession = JsonAnswer<
  AuthService,
  '/tenants/{tenantId}/users/{userId}/sessions',
  'get'
>['items'][number];
export type Tenant = JsonAnswer<AuthService, '/tenants/{id}', 'get'>;
