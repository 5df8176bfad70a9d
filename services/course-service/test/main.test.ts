import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { readConfig } from '../src/config.ts';
import { loadCourseProto } from '../src/grpc/server.ts';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

test('configuration follows the platform’s variable names and rejects bad values', () => {
  const base = { DATABASE_URL: 'postgres://x@127.0.0.1/db' };
  const config = readConfig({
    ...base,
    COURSE_SERVICE_GRPC_PORT: '6100',
    AUTH_SERVICE_URL: 'http://auth:4001',
  });
  assert.equal(config.GRPC_PORT, 6100);
  assert.equal(config.AUTH_JWKS_URL, 'http://auth:4001/.well-known/jwks.json');
  assert.equal(readConfig(base).PORT, 4002);
  assert.throws(() => readConfig({ ...base, GRPC_PORT: 'abc' }), /GRPC_PORT/);
});

test('the service starts, answers /ready and gRPC, and stops cleanly on SIGTERM', async () => {
  const [port, grpcPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [new URL('../src/main.ts', import.meta.url).pathname], {
    env: {
      ...process.env,
      DATABASE_URL: process.env.COURSE_SERVICE_DATABASE_URL,
      PORT: String(port),
      COURSE_SERVICE_GRPC_PORT: String(grpcPort),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const deadline = Date.now() + 20_000;
    let ready = false;
    while (!ready && Date.now() < deadline) {
      ready = await fetch(`http://127.0.0.1:${port}/ready`)
        .then((response) => response.status === 200)
        .catch(() => false);
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(ready, `never became ready: ${stderr}`);
    assert.equal((await fetch(`http://127.0.0.1:${port}/courses`)).status, 401);
    const client = new (loadCourseProto().CourseAccess)(
      `127.0.0.1:${grpcPort}`,
      grpc.credentials.createInsecure(),
    );
    const code = await new Promise<number | undefined>((resolve) =>
      (client as unknown as Record<string, (...args: unknown[]) => void>).CheckAccess!(
        { course_id: crypto.randomUUID() },
        new grpc.Metadata(),
        { deadline: Date.now() + 5000 },
        (error: grpc.ServiceError | null) => resolve(error?.code),
      ),
    );
    client.close();
    assert.equal(code, grpc.status.UNAUTHENTICATED);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, stderr);
});
