import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createTokenVerifier, type TokenVerifier } from '@eduspry/common';
import { createLogger, type Logger, type LogLine } from '@eduspry/logging';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

const ISSUER = 'http://auth.test';
const AUDIENCE = 'eduspry';

export interface TestAuth {
  verifier: TokenVerifier;
  tokenFor(tenantId: string, roles: string[], sub?: string): Promise<string>;
  jwk: JWK;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
}

/** A signing key of its own and a verifier trusting it: tokens shaped like auth-service's. */
export async function testAuth(): Promise<TestAuth> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  const verifier = createTokenVerifier({ getKey: async () => publicKey, issuer: ISSUER, audience: AUDIENCE });
  return {
    verifier,
    privateKey,
    jwk: { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'EdDSA', use: 'sig' },
    tokenFor: (tenantId, roles, sub = randomUUID()) =>
      new SignJWT({ role: 'authenticated', app_metadata: { tenant_id: tenantId, roles } })
        .setProtectedHeader({ alg: 'EdDSA', kid: 'test-key' })
        .setSubject(sub)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(privateKey),
  };
}

/** A service logger whose every line is kept (parsed) for the suite to check. */
export function capturingLogger(service: string): { logger: Logger; lines: unknown[]; raw: string[] } {
  const lines: unknown[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        raw.push(line);
        if (process.env.LOG_TEST_LINES) process.stderr.write(`${line}\n`);
        lines.push(JSON.parse(line));
      }
      callback();
    },
  });
  return { logger: createLogger({ service, environment: 'test', level: 'debug', destination }), lines, raw };
}

export function logLine(overrides: Partial<LogLine> = {}): LogLine {
  return {
    timestamp: new Date().toISOString(),
    level: 'info',
    service: 'course-service',
    component: 'http',
    traceId: null,
    spanId: null,
    tenantId: null,
    tenantName: null,
    userId: null,
    sessionId: null,
    message: 'something happened',
    context: {},
    tags: [],
    metrics: {},
    environment: 'test',
    ...overrides,
  };
}
