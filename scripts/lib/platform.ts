import { envPrefix } from '@eduspry/common';

/**
 * The one list of what the platform runs and where (`npm start`'s process list, so it lives with
 * the scripts, not in the service kit). `npm start` starts every entry as its own process and
 * hands each the `<NAME>_URL` variables derived here; a service reads the ones it needs through
 * its own config.
 * A new service joins by adding one entry.
 */
export interface PlatformProcess {
  name: string;
  /** Workspace folder, relative to the repository root. */
  dir: string;
  /** Default port; `<NAME>_PORT` (e.g. AUTH_SERVICE_PORT) overrides it. */
  port: number;
  /** The entry file the launcher runs with node, relative to `dir`. */
  main: string;
  /** Whether it talks to PostgreSQL (gets DATABASE_URL with its own role). */
  database: boolean;
  /** Default gRPC port, if it serves gRPC; `<NAME>_GRPC_PORT` overrides it. */
  grpcPort?: number;
  /**
   * What the launcher polls until the process is ready (default `/ready`, which every service and
   * app answers, beside `/health`).
   */
  readyPath?: string;
  /**
   * A Next.js app: `npm start` builds it first when its build is missing or older than its
   * sources and serves it with `next start`; `npm run dev` runs `next dev` (scripts/lib/next-apps.ts).
   */
  app?: 'next';
  /** What `npm start` lists beside the URL (default `/docs`, the service's OpenAPI UI). */
  docs?: string;
  /**
   * Secret variables `npm start` generates once per machine, keeps in its git-ignored data
   * folder and hands to this process only (production sets them from its secret store).
   */
  secrets?: readonly string[];
  /**
   * Node and V8 options the process always runs with: under `npm start`, in its image (`CMD`)
   * and in its benchmarks, so what is measured is what runs.
   */
  nodeOptions?: readonly string[];
}

export const PLATFORM: readonly PlatformProcess[] = [
  {
    name: 'auth-service',
    dir: 'services/auth-service',
    port: 4001,
    main: 'src/main.ts',
    database: true,
    secrets: ['AUTH_KEY_ENCRYPTION_SECRET'],
  },
  {
    name: 'course-service',
    dir: 'services/course-service',
    port: 4002,
    main: 'src/main.ts',
    database: true,
    grpcPort: 5002,
  },
  {
    name: 'content-service',
    dir: 'services/content-service',
    port: 4003,
    main: 'src/main.ts',
    database: true,
    secrets: ['CONTENT_SIGNING_SECRET'],
    // A streaming service: every request moves megabytes as short-lived Buffers. A 1 MB young
    // generation (V8 sizes it 16–32 MB here) collects them as soon as they are written, so a
    // 1 GiB upload stays near the idle footprint (bench/content-upload-memory).
    nodeOptions: ['--max-semi-space-size=1'],
  },
  {
    name: 'assessment-service',
    dir: 'services/assessment-service',
    port: 4004,
    main: 'src/main.ts',
    database: true,
    // The live view of a running quiz is broadcast to course staff through realtime-service.
    secrets: ['REALTIME_SERVICE_KEY'],
  },
  {
    name: 'logging-service',
    dir: 'services/logging-service',
    port: 4005,
    main: 'src/main.ts',
    database: true,
  },
  {
    name: 'notification-service',
    dir: 'services/notification-service',
    port: 4007,
    main: 'src/main.ts',
    database: true,
    secrets: ['REALTIME_SERVICE_KEY', 'NOTIFICATION_LINK_SECRET'],
  },
  {
    name: 'realtime-service',
    dir: 'services/realtime-service',
    port: 4008,
    main: 'src/main.ts',
    database: true,
    secrets: ['REALTIME_SERVICE_KEY'],
  },
  {
    name: 'api-gateway',
    dir: 'services/api-gateway',
    port: 4000,
    main: 'src/main.ts',
    database: false,
    docs: '/graphiql, /api/<service>/',
  },
  {
    // The local Supabase-shaped entry: every edge function at /functions/v1/<name> (one Deno
    // process) and realtime-service at /realtime/v1/ (HTTP and WebSocket), as supabase-js expects.
    name: 'supabase-local',
    dir: 'scripts',
    port: 54321,
    main: 'supabase-local.ts',
    database: false,
    docs: '/functions/v1/<name>, /realtime/v1/',
  },
  {
    name: 'analytics-service',
    dir: 'services/analytics-service',
    port: 4006,
    main: 'src/main.ts',
    database: true,
  },
  {
    name: 'web-app',
    dir: 'apps/web-app',
    port: 3000,
    main: '../../scripts/serve-next-app.ts',
    app: 'next',
    database: false,
    docs: '(open in a browser)',
  },
  {
    name: 'admin-portal',
    dir: 'apps/admin-portal',
    port: 3001,
    main: '../../scripts/serve-next-app.ts',
    app: 'next',
    database: false,
    docs: '(open in a browser)',
  },
];

export function portOf(entry: PlatformProcess, env: NodeJS.ProcessEnv = process.env): number {
  const override = env[`${envPrefix(entry.name)}_PORT`];
  return override ? Number(override) : entry.port;
}

/** `AUTH_SERVICE_URL=http://127.0.0.1:4001`, … for every process, honouring overrides. */
export function serviceUrls(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    PLATFORM.map((entry) => [
      `${envPrefix(entry.name)}_URL`,
      env[`${envPrefix(entry.name)}_URL`] ?? `http://127.0.0.1:${portOf(entry, env)}`,
    ]),
  );
}

/** The database role a service connects as: `auth-service` → `auth_service`. */
export function databaseRoleOf(name: string): string {
  return name.replaceAll('-', '_');
}
