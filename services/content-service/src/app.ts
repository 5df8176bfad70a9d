import {
  createServiceApp,
  createTokenVerifier,
  type ServiceApp,
  type Sql,
  type TokenVerifier,
  useTokenVerifier,
} from '@eduspry/common';
import { busAdminRoutes, type EventBus } from '@eduspry/event-bus';
import type { Logger } from '@eduspry/logging';
import { createStorageProvider, type StorageProvider } from '@eduspry/storage';
import multipart from '@fastify/multipart';
import { type CourseAccess, createCourseAccess } from './clients/course-access.ts';
import type { ContentConfig } from './config.ts';
import { subscribeToCourseItemEvents } from './consumers/course-items.ts';
import { OBJECTS_DELETED_CHANNEL } from './db/files.ts';
import type { ContentContext } from './domain/context.ts';
import { removeDeletedObjects } from './domain/files.ts';
import { sweepStaleUploads } from './domain/uploads.ts';
import { deliveryRoutes } from './routes/delivery.ts';
import { fileRoutes } from './routes/files.ts';
import { createTusServer, tusRoutes } from './routes/tus.ts';

export interface ContentDeps {
  /** The service's event bus: mounts the super-admin routes `GET /admin/bus` and dead-letter replay. */
  eventBus?: EventBus;
  sql: Sql;
  config: ContentConfig & { signingSecret: string };
  logger?: Logger;
  /** Defaults from STORAGE_PROVIDER and its variables. */
  storage?: StorageProvider;
  /** Defaults to gRPC CheckAccess at COURSE_SERVICE_GRPC. */
  access?: CourseAccess;
  /** Defaults to auth-service's JWKS (tests pass one over a test key pair). */
  verifier?: TokenVerifier;
}

export interface ContentApp {
  app: ServiceApp;
  /**
   * One sweep: expired tus partials, `uploading` rows older than CONTENT_STALE_UPLOAD_SECONDS, and
   * the objects of deleted versions still in storage (a removal that failed or never ran).
   */
  sweep(): Promise<{ partials: number; rows: number; objects: number }>;
  /**
   * Consumes course-service's events on `bus` (a deleted item deletes its files) and removes the
   * deleted files' objects as each deletion commits (NOTIFY on `content_objects_deleted`).
   */
  followCourseEvents(bus: EventBus): Promise<{ stop(): Promise<void> }>;
}

/** Wires content-service: no I/O happens here beyond what routes and the sweeper do when called. */
export async function buildApp({
  sql,
  eventBus,
  config,
  logger,
  storage,
  access,
  verifier,
}: ContentDeps): Promise<ContentApp> {
  const courseAccess =
    access ??
    createCourseAccess({
      address: config.COURSE_SERVICE_GRPC,
      deadlineMs: config.CONTENT_ACCESS_DEADLINE_MS,
      cacheMs: config.CONTENT_ACCESS_CACHE_MS,
      breakerThreshold: config.CONTENT_ACCESS_BREAKER_THRESHOLD,
    });
  const app = await createServiceApp({
    name: 'content-service',
    description: 'Course files: streaming uploads (multipart and tus), storage providers, signed delivery',
    ...(logger ? { logger } : {}),
    readiness: { postgres: () => sql`select 1` },
  });
  app.addHook('onClose', async () => {
    if (!access) courseAccess.close();
  });
  const tokenVerifier =
    verifier ??
    createTokenVerifier({
      jwksUrl: config.AUTH_JWKS_URL,
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
    });
  useTokenVerifier(app, tokenVerifier);
  const ctx: ContentContext = {
    sql,
    storage: storage ?? (await createStorageProvider()),
    access: courseAccess,
    log: app.log,
    signingSecret: config.signingSecret,
    signedUrlTtlSeconds: config.CONTENT_SIGNED_URL_TTL_SECONDS,
    publicUrl: config.CONTENT_PUBLIC_URL.replace(/\/$/, ''),
    defaults: {
      quotaBytes: config.CONTENT_DEFAULT_QUOTA_BYTES,
      maxFileBytes: config.CONTENT_DEFAULT_MAX_FILE_BYTES,
      allowedMediaTypes: config.CONTENT_DEFAULT_MEDIA_TYPES.split(',')
        .map((type) => type.trim())
        .filter(Boolean),
    },
  };
  // The plugin's own limit is the platform's ceiling; each tenant's smaller one is enforced while streaming.
  await app.register(multipart, {
    limits: {
      fileSize: config.CONTENT_DEFAULT_MAX_FILE_BYTES * 4,
      files: 1,
      fields: 10,
      fieldSize: 1024,
      parts: 12,
    },
  });
  await app.register(fileRoutes, { ctx });
  await app.register(deliveryRoutes, { ctx });
  const tus = createTusServer({
    ctx,
    verifier: tokenVerifier,
    directory: config.CONTENT_UPLOAD_DIR,
    staleAfterMs: config.CONTENT_STALE_UPLOAD_SECONDS * 1000,
    maxSize: config.CONTENT_DEFAULT_MAX_FILE_BYTES * 4,
    allowedOrigins: config.CONTENT_ALLOWED_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  });
  await app.register(tusRoutes, { server: tus.server });
  if (eventBus)
    await app.register(busAdminRoutes, { bus: eventBus, schema: 'content', service: 'content-service' });
  return {
    app,
    async sweep() {
      const partials = await tus.cleanUpExpired();
      const rows = await sweepStaleUploads(ctx, config.CONTENT_STALE_UPLOAD_SECONDS);
      const objects = await removeDeletedObjects(ctx);
      return { partials, rows, objects };
    },
    async followCourseEvents(bus) {
      // One removal at a time; a commit announced meanwhile runs one more after it.
      let running: Promise<void> | undefined;
      let again = false;
      const removeNow = (): void => {
        if (running) {
          again = true;
          return;
        }
        running = (async () => {
          do {
            again = false;
            await removeDeletedObjects(ctx).catch((error: Error) =>
              ctx.log.warn({ err: error }, 'removing deleted objects failed: the sweeper retries'),
            );
          } while (again);
          running = undefined;
        })();
      };
      const listener = await sql.listen(OBJECTS_DELETED_CHANNEL, removeNow);
      const subscription = await subscribeToCourseItemEvents(bus, ctx);
      return {
        async stop() {
          await subscription.stop();
          await listener.unlisten();
          await running;
        },
      };
    },
  };
}
