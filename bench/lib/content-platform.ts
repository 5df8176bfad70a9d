// content-service as it ships (platform-service.ts) with what it talks to: course-service's gRPC
// CheckAccess in its own process (content-servers.ts `course`) and a JWKS endpoint with the
// benchmark's keys. Local storage under `storageRoot`; `env` adds or overrides variables.
import { randomBytes } from 'node:crypto';
import { serveInChild } from './measure.ts';
import { serveJwks, startPlatformService } from './platform-service.ts';

export async function startContentPlatform(options: {
  jwks: unknown;
  issuer: string;
  storageRoot: string;
  uploadDir: string;
  env?: NodeJS.ProcessEnv;
}) {
  const course = await serveInChild(new URL('./content-servers.ts', import.meta.url).pathname, ['course'], {
    ...process.env,
    BENCH_JWKS: JSON.stringify(options.jwks),
    BENCH_ISSUER: options.issuer,
  });
  const keys = await serveJwks(options.jwks);
  const service = await startPlatformService('content-service', {
    ...process.env,
    DATABASE_URL: process.env.CONTENT_SERVICE_DATABASE_URL,
    AUTH_JWKS_URL: keys.jwksUrl,
    AUTH_ISSUER: options.issuer,
    COURSE_SERVICE_GRPC: `127.0.0.1:${course.port}`,
    CONTENT_SIGNING_SECRET: randomBytes(32).toString('hex'),
    STORAGE_PROVIDER: 'local',
    STORAGE_LOCAL_ROOT: options.storageRoot,
    CONTENT_UPLOAD_DIR: options.uploadDir,
    ...options.env,
  });
  return {
    ...service,
    async stop() {
      await service.stop();
      await keys.close();
      await course.stop();
    },
  };
}
