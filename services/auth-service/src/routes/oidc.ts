import type { ServiceApp } from '@eduspry/common';
import type { RouteOptions } from './sessions.ts';

export async function oidcRoutes(_app: ServiceApp, _options: RouteOptions): Promise<void> {}
