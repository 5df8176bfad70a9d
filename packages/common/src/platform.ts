/**
 * The one list of what the platform runs and where. `npm start` starts every entry as its
 * own process; services find each other through the `<NAME>_URL` variables derived here.
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
  /** What the launcher polls until the process is ready (default `/ready`; apps have their own). */
  readyPath?: string;
  /** What `npm start` lists beside the URL (default `/docs`, the service's OpenAPI UI). */
  docs?: string;
  /**
   * Secret variables `npm start` generates once per machine, keeps in its git-ignored data
   * folder and hands to this process only (production sets them from its secret store).
   */
  secrets?: readonly string[];
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
    name: 'logging-service',
    dir: 'services/logging-service',
    port: 4005,
    main: 'src/main.ts',
    database: true,
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
    name: 'web-app',
    dir: 'apps/web-app',
    port: 3000,
    main: 'scripts/serve.ts',
    database: false,
    readyPath: '/api/ready',
    docs: '(open in a browser)',
  },
];

export function envPrefix(name: string): string {
  return name.toUpperCase().replaceAll('-', '_');
}

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
