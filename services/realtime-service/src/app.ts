import {
  createServiceApp,
  type ServiceApp,
  type Sql,
  type TokenVerifier,
  useTokenVerifier,
} from '@eduspry/common';
import { busAdminRoutes, type EventBus } from '@eduspry/event-bus';
import type { Logger } from '@eduspry/logging';
import type { ClusterBus } from './cluster/bus.ts';
import { DEFAULT_LIMITS, type Limits } from './config.ts';
import { type ChangeFeed, startChangeFeed } from './domain/changes.ts';
import { Hub } from './domain/hub.ts';
import { broadcastRoutes } from './routes/broadcast.ts';
import { settingsRoutes } from './routes/settings.ts';
import { attachWebSocket, type WebSocketGateway } from './transport/websocket.ts';

export interface RealtimeDeps {
  /** The service's event bus: mounts the super-admin routes `GET /admin/bus` and dead-letter replay. */
  eventBus?: EventBus;
  sql: Sql;
  logger: Logger;
  tokenVerifier: TokenVerifier;
  bus: ClusterBus;
  serviceKey: string;
  limits?: Partial<Limits>;
  changesRetentionSeconds?: number;
}

export interface RealtimeApp {
  app: ServiceApp;
  hub: Hub;
  gateway: WebSocketGateway;
  /** Starts the postgres_changes feed (LISTEN); main.ts and tests call it once. */
  startChanges(): Promise<ChangeFeed>;
  /** Closes sockets, the feed and the bus; the caller ends the pool. */
  close(): Promise<void>;
}

/** Wires realtime-service: the Phoenix WebSocket on the app's own server, and the HTTP routes. */
export async function buildApp(deps: RealtimeDeps): Promise<RealtimeApp> {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const app = await createServiceApp({
    name: 'realtime-service',
    description:
      'Supabase Realtime protocol (Phoenix channels at /realtime/v1/websocket): broadcast, presence, ' +
      "postgres_changes filtered by the subscriber's RLS; server-side broadcast for services",
    logger: deps.logger,
    bodyLimit: limits.maxMessageBytes,
    readiness: { postgres: () => deps.sql`select 1` },
  });
  const hub = new Hub(deps.bus, limits.maxPresencesPerChannel);
  const gateway = attachWebSocket(
    app.server,
    { sql: deps.sql, hub, tokenVerifier: deps.tokenVerifier },
    limits,
    deps.logger,
  );
  await app.register(broadcastRoutes, { hub, serviceKey: deps.serviceKey });
  useTokenVerifier(app, deps.tokenVerifier);
  await app.register(settingsRoutes, { sql: deps.sql });
  if (deps.eventBus)
    await app.register(busAdminRoutes, { bus: deps.eventBus, schema: 'live', service: 'realtime-service' });
  let feed: ChangeFeed | undefined;
  return {
    app,
    hub,
    gateway,
    async startChanges() {
      feed ??= await startChangeFeed(
        deps.sql,
        hub,
        deps.logger.child({ component: 'changes' }),
        deps.changesRetentionSeconds ?? 600,
      );
      return feed;
    },
    async close() {
      await gateway.close();
      await app.close();
      await feed?.close();
      hub.close();
      await deps.bus.close();
    },
  };
}
