// auth-service, course-service, the api-gateway and (optionally) the web app as separate
// processes on free ports, against the database `npm test` / `npm run bench` prepared: what
// browser tests and benchmarks run against. Each process is the same entry `npm start` runs.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './database.ts';
import { type Child, startChild, stopChildren, waitUntilReady } from './processes.ts';

export interface PlatformProcesses {
  authUrl: string;
  courseUrl: string;
  gatewayUrl: string;
  webUrl?: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function databaseUrl(service: string): string {
  const variable = `${service.toUpperCase().replaceAll('-', '_')}_DATABASE_URL`;
  const url = process.env[variable];
  if (!url) throw new Error(`${variable} is not set: run through \`npm test\` or \`npm run bench\``);
  return url;
}

export async function startPlatformProcesses(
  options: { webApp?: boolean; env?: NodeJS.ProcessEnv; quiet?: boolean } = {},
): Promise<PlatformProcesses> {
  const [authPort, coursePort, grpcPort, gatewayPort, webPort] = await Promise.all(
    Array.from({ length: 5 }, () => freePort()),
  );
  const authUrl = `http://127.0.0.1:${authPort}`;
  const courseUrl = `http://127.0.0.1:${coursePort}`;
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const webUrl = `http://127.0.0.1:${webPort}`;
  const mailDir = await mkdtemp(join(tmpdir(), 'eduspry-mail-'));
  const shared = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: options.quiet === false ? 'info' : 'warn',
    AUTH_SERVICE_URL: authUrl,
    COURSE_SERVICE_URL: courseUrl,
    API_GATEWAY_URL: gatewayUrl,
    AUTH_ISSUER: authUrl,
    AUTH_RATE_LIMIT_PER_MINUTE: '1000',
    MAIL_OUTBOX_DIR: mailDir,
    ...options.env,
  };
  const specs: [string, string, string, NodeJS.ProcessEnv, string][] = [
    [
      'auth-service',
      'services/auth-service',
      'src/main.ts',
      { PORT: String(authPort), DATABASE_URL: databaseUrl('auth-service') },
      `${authUrl}/ready`,
    ],
    [
      'course-service',
      'services/course-service',
      'src/main.ts',
      {
        PORT: String(coursePort),
        GRPC_PORT: String(grpcPort),
        COURSE_SERVICE_GRPC_PORT: String(grpcPort),
        DATABASE_URL: databaseUrl('course-service'),
      },
      `${courseUrl}/ready`,
    ],
    [
      'api-gateway',
      'services/api-gateway',
      'src/main.ts',
      { PORT: String(gatewayPort) },
      `${gatewayUrl}/ready`,
    ],
  ];
  if (options.webApp)
    specs.push([
      'web-app',
      'apps/web-app',
      'scripts/serve.ts',
      { PORT: String(webPort), WEB_APP_MODE: 'start' },
      `${webUrl}/api/ready`,
    ]);
  const children: Child[] = [];
  const stop = async () => {
    await stopChildren(children, 5000);
    await rm(mailDir, { recursive: true, force: true });
  };
  try {
    for (const [name, dir, main, env, ready] of specs) {
      const child = startChild(name, join(ROOT, dir), main, { ...shared, ...env }, 16);
      children.push(child);
      await waitUntilReady(ready, child, 60_000);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { authUrl, courseUrl, gatewayUrl, ...(options.webApp ? { webUrl } : {}), stop };
}
