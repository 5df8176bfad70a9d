// Each service's OpenAPI document, built in-process the way the running service builds it: the
// service's own readConfig and buildApp with inert dependencies (a database pool that is never
// queried, token verifiers and ports that refuse every call), then `app.swagger()`. No server
// listens and nothing is queried: building an app does no I/O (the house rule of app.ts).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDb } from '@eduspry/common';
import { createLogger } from '@eduspry/logging';
import { ROOT } from '../lib/database.ts';
import { PLATFORM, type PlatformProcess, serviceUrls } from '../lib/platform.ts';

// biome-ignore lint/suspicious/noExplicitAny: OpenAPI documents are arbitrary JSON
export type OpenApiDocument = Record<string, any>;

/** Where the committed documents live, one `<service>.json` each. */
export const OPENAPI_DIR = 'packages/contracts/openapi';

/**
 * The PLATFORM entries that serve an OpenAPI document: every workspace with a `src/app.ts`
 * (services, not the Next.js apps or the Supabase-shaped entry). A service joins by joining PLATFORM.
 */
export function documentedServices(root = ROOT): PlatformProcess[] {
  return PLATFORM.filter((entry) => !entry.app && existsSync(join(root, entry.dir, 'src/app.ts')));
}

/** A dependency no route may reach while the document is built: any call answers a stub. */
// biome-ignore lint/suspicious/noExplicitAny: a stand-in for every port shape
const inert: any = new Proxy(() => {}, {
  get: (_target, key) => {
    if (key === 'then') return undefined;
    if (key === Symbol.toPrimitive) return () => 'inert';
    return inert;
  },
  apply: () => inert,
});

const SECRET = 'openapi-document-build-only-not-a-secret-0123456789';

/** Builds `entry`'s app with inert dependencies and returns its OpenAPI document. */
export async function buildDocument(entry: PlatformProcess, root = ROOT): Promise<OpenApiDocument> {
  try {
    return await buildDocumentOf(entry, root);
  } catch (error) {
    throw new Error(
      `${entry.name}'s OpenAPI document could not be built in-process (its readConfig and buildApp ` +
        `with inert dependencies, scripts/contracts/documents.ts): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

async function buildDocumentOf(entry: PlatformProcess, root: string): Promise<OpenApiDocument> {
  const dir = join(root, entry.dir);
  const scratch = mkdtempSync(join(tmpdir(), `openapi-${entry.name}-`));
  const env: NodeJS.ProcessEnv = {
    ...serviceUrls({}),
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    // Port 9 (discard): the pool is lazy and is never queried while the document is built.
    DATABASE_URL: 'postgres://openapi:openapi@127.0.0.1:9/openapi',
    STORAGE_LOCAL_DIR: join(scratch, 'storage'),
    MAIL_OUTBOX_DIR: join(scratch, 'mail'),
    ...Object.fromEntries((entry.secrets ?? []).map((name) => [name, SECRET])),
  };
  const { readConfig } = await import(pathToFileURL(join(dir, 'src/config.ts')).href);
  const { buildApp } = await import(pathToFileURL(join(dir, 'src/app.ts')).href);
  const config = readConfig(env);
  const logger = createLogger({ service: entry.name, level: 'silent', environment: 'test' });
  const sql = createDb(env.DATABASE_URL!, { applicationName: `openapi-${entry.name}`, max: 1 });
  const built = await buildApp({
    sql,
    config: { ...config, signingSecret: config.signingSecret ?? SECRET },
    logger,
    // Every service names its token check one of these; none is called while building.
    verifier: inert,
    tokenVerifier: inert,
    authenticate: inert,
    events: inert,
    courses: inert,
    access: inert,
    storage: inert,
    bus: inert,
    eventBus: inert,
    serviceKey: SECRET,
  });
  const app = 'app' in built && typeof built.app?.swagger === 'function' ? built.app : built;
  try {
    await app.ready();
    return JSON.parse(JSON.stringify(app.swagger())) as OpenApiDocument;
  } finally {
    await (typeof built.close === 'function' && built !== app ? built.close() : app.close());
    await sql.end({ timeout: 1 });
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The committed text of a document: stable key order as built, two-space JSON, final newline. */
export const documentText = (document: OpenApiDocument): string => `${JSON.stringify(document, null, 2)}\n`;
