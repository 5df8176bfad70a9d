import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createTokenVerifier, type Sql, type TokenVerifier } from '@eduspry/common';
import { serviceDb } from '@eduspry/common/testing';
import { createLogger } from '@eduspry/logging';
import { RealtimeClient } from '@supabase/realtime-js';
import { generateKeyPair, SignJWT } from 'jose';
import { buildApp, type RealtimeApp } from '../src/app.ts';
import { type ClusterBus, memoryBus } from '../src/cluster/bus.ts';
import type { Limits } from '../src/config.ts';

const ISSUER = 'http://auth.test';
const AUDIENCE = 'eduspry';
export const SERVICE_KEY = 'test-service-key-0123456789abcdef';

export interface TestAuth {
  verifier: TokenVerifier;
  /** A token shaped like auth-service's; `expiresIn` e.g. '10m' or '3s'. */
  tokenFor(tenantId: string, roles?: string[], sub?: string, expiresIn?: string): Promise<string>;
}

/** A signing key of its own and a verifier trusting it (auth-service is not needed here). */
export async function testAuth(): Promise<TestAuth> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA');
  return {
    verifier: createTokenVerifier({
      getKey: async () => publicKey,
      issuer: ISSUER,
      audience: AUDIENCE,
      clockToleranceSeconds: 0,
    }),
    tokenFor: (tenantId, roles = ['student'], sub = randomUUID(), expiresIn = '10m') =>
      new SignJWT({ role: 'authenticated', app_metadata: { tenant_id: tenantId, roles } })
        .setProtectedHeader({ alg: 'EdDSA' })
        .setSubject(sub)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(expiresIn)
        .sign(privateKey),
  };
}

export interface TestServer {
  realtime: RealtimeApp;
  sql: Sql;
  port: number;
  /** What realtime-js is given: `ws://127.0.0.1:<port>/realtime/v1`. */
  wsUrl: string;
  httpUrl: string;
  close(): Promise<void>;
}

export async function startServer(
  auth: TestAuth,
  options: {
    bus?: (sql: Sql) => Promise<ClusterBus>;
    limits?: Partial<Limits>;
    port?: number;
    changes?: boolean;
  } = {},
): Promise<TestServer> {
  const sql = serviceDb('realtime-service');
  const bus = options.bus ? await options.bus(sql) : memoryBus();
  const realtime = await buildApp({
    sql,
    logger: createLogger({
      service: 'realtime-service',
      level: process.env.LOG_TEST_LINES ? 'debug' : 'silent',
    }),
    tokenVerifier: auth.verifier,
    bus,
    serviceKey: SERVICE_KEY,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  if (options.changes) await realtime.startChanges();
  await realtime.app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const { port } = realtime.app.server.address() as AddressInfo;
  return {
    realtime,
    sql,
    port,
    wsUrl: `ws://127.0.0.1:${port}/realtime/v1`,
    httpUrl: `http://127.0.0.1:${port}`,
    async close() {
      await realtime.close();
      await sql.end();
    },
  };
}

/** The official client, unmodified, with a fast reconnect so restart tests stay short. */
export function client(server: { wsUrl: string }, token: string): RealtimeClient {
  const realtime = new RealtimeClient(server.wsUrl, {
    params: { apikey: 'anon-key-unused' },
    reconnectAfterMs: () => 200,
    heartbeatIntervalMs: 5000,
    timeout: 5000,
  });
  void realtime.setAuth(token);
  return realtime;
}

export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false,
  timeoutMs = 5000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function subscribed(channel: ReturnType<RealtimeClient['channel']>): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(error ?? new Error(status));
    });
  });
}

/** Subscribes and reports the refusal (realtime-js' CHANNEL_ERROR message), or 'SUBSCRIBED'. */
export function subscribeOutcome(channel: ReturnType<RealtimeClient['channel']>): Promise<string> {
  return new Promise((resolve) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve('SUBSCRIBED');
      else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT')
        resolve(`${status}: ${error?.message ?? ''}`);
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
