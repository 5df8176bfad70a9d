import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenVerifier, type Sql, type TenantClaims } from '@eduspry/common';
import { adminDb, claimsFor, createTestTenant, serviceDb, type TestTenant } from '@eduspry/common/testing';
import { createEvent, type EventEnvelope } from '@eduspry/contracts';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { buildApp, type NotificationApp, type NotificationDeps } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { applyDomainEvent } from '../src/domain/events.ts';

const ISSUER = 'https://auth.test.eduspry';
const AUDIENCE = 'eduspry';
const keys = await generateKeyPair('ES256');
const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'test-key', alg: 'ES256' };
export const verifier = createTokenVerifier({
  getKey: createLocalJWKSet({ keys: [jwk] }),
  issuer: ISSUER,
  audience: AUDIENCE,
});

export async function tokenFor(claims: TenantClaims): Promise<string> {
  return new SignJWT(claims as never)
    .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(keys.privateKey);
}

// biome-ignore lint/suspicious/noExplicitAny: test responses are arbitrary JSON
export type Json = any;

export interface User {
  id: string;
  claims: TenantClaims;
  token: string;
  email: string;
}

/** A controllable clock: tests move time instead of waiting for it. */
export class Clock {
  #now: number;
  constructor(start = Date.now()) {
    this.#now = start;
  }
  now = (): Date => new Date(this.#now);
  advance(ms: number): void {
    this.#now += ms;
  }
  set(at: Date): void {
    this.#now = at.getTime();
  }
}

export interface Harness extends NotificationApp {
  admin: Sql;
  sql: Sql;
  tenant: TestTenant;
  mailDir: string;
  clock: Clock;
  /** A user the service knows (user_registered applied), in the harness tenant unless given. */
  user(roles?: string[], tenant?: TestTenant): Promise<User>;
  newTenant(): Promise<TestTenant>;
  call(
    user: User | undefined,
    method: string,
    url: string,
    payload?: unknown,
  ): Promise<{ status: number; body: Json; headers: Record<string, unknown> }>;
  /** Applies a domain event as the consumer does (its own transaction, no processed_events). */
  apply(event: EventEnvelope): Promise<number>;
  enroll(user: User, courseId: string, action?: 'enrolled' | 'unenrolled'): Promise<EventEnvelope>;
  mails(to?: string): Promise<Json[]>;
  close(): Promise<void>;
}

export async function harness(
  env: Record<string, string> = {},
  deps: Partial<NotificationDeps> = {},
): Promise<Harness> {
  const admin = adminDb();
  const sql = serviceDb('notification-service');
  const mailDir = await mkdtemp(join(tmpdir(), 'eduspry-notify-mail-'));
  const clock = new Clock();
  const config = readConfig({
    NODE_ENV: 'test',
    DATABASE_URL: process.env.NOTIFICATION_SERVICE_DATABASE_URL,
    MAIL_OUTBOX_DIR: mailDir,
    NOTIFICATION_LINK_SECRET: 'test-link-secret-that-is-long-enough-123',
    ...env,
  });
  const built = await buildApp({ sql, config, verifier, now: clock.now, ...deps });
  const tenant = await createTestTenant(admin, 'notify');
  const h: Harness = {
    ...built,
    admin,
    sql,
    tenant,
    mailDir,
    clock,
    newTenant: () => createTestTenant(admin, 'notify'),
    async user(roles = ['student'], inTenant = tenant) {
      const claims = claimsFor(inTenant.id, roles);
      const email = `${roles[0]}-${randomUUID().slice(0, 8)}@example.test`;
      await h.apply(
        createEvent('user.authentication.user_registered', {
          tenantId: inTenant.id,
          data: {
            userId: claims.sub,
            tenantId: inTenant.id,
            email,
            roles,
            registeredAt: new Date().toISOString(),
          },
        }),
      );
      return { id: claims.sub, claims, token: await tokenFor(claims), email };
    },
    async call(user, method, url, payload) {
      const response = await built.app.inject({
        method: method as never,
        url,
        headers: user ? { authorization: `Bearer ${user.token}` } : {},
        ...(payload === undefined ? {} : { payload: payload as never }),
      });
      const text = response.body;
      let body: Json = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {}
      return { status: response.statusCode, body, headers: response.headers };
    },
    apply: (event) => sql.begin((tx) => applyDomainEvent(tx, event, clock.now())) as Promise<number>,
    async enroll(user, courseId, action = 'enrolled') {
      const event = createEvent('course.management.enrollment_changed', {
        tenantId: user.claims.app_metadata.tenant_id,
        data: { userId: user.id, courseId, action, timestamp: new Date().toISOString() },
      });
      await h.apply(event);
      return event;
    },
    async mails(to) {
      const files = (await readdir(mailDir).catch(() => [] as string[]))
        .filter((file) => file.endsWith('.json'))
        .sort();
      const mails = await Promise.all(
        files.map(async (file) => JSON.parse(await readFile(join(mailDir, file), 'utf8'))),
      );
      return mails.filter((mail) => !to || mail.to === to);
    },
    async close() {
      await built.app.close();
      await Promise.all([sql.end(), admin.end()]);
      await rm(mailDir, { recursive: true, force: true });
    },
  };
  return h;
}

export interface Receiver {
  url: string;
  port: number;
  requests: {
    method: string;
    url: string;
    headers: IncomingMessage['headers'];
    body: string;
    raw: Buffer;
    at: number;
  }[];
  /** What to answer; default 200 `ok`. */
  respond: (request: IncomingMessage, response: ServerResponse, body: string) => void | Promise<void>;
  close(): Promise<void>;
}

/** A tiny local HTTP server standing in for a third party (a webhook receiver, realtime-service, a push service). */
export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    port: 0,
    requests: [],
    respond: (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    },
    close: async () => {},
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      receiver.requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
        raw,
        at: Date.now(),
      });
      Promise.resolve(receiver.respond(request, response, body)).catch(() => response.destroy());
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

export async function until<T>(check: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
