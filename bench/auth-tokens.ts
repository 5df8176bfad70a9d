import { createDb, createTokenVerifier } from '@eduspry/common';
import autocannon from 'autocannon';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import {
  ARGON2_PARAMS,
  hashPassword,
  verifyPassword,
} from '../services/auth-service/src/domain/passwords.ts';
import { DURATION, loadHttp, ratio, report, serveInChild } from './lib/measure.ts';

const servers = new URL('./lib/auth-servers.ts', import.meta.url).pathname;
const ISSUER = 'http://127.0.0.1:4001';
const AUDIENCE = 'eduspry';
const PASSWORD = 'Riverside-Demo-2026';
const env = {
  ...process.env,
  AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
  AUTH_ISSUER: ISSUER,
  AUTH_AUDIENCE: AUDIENCE,
  MAIL_OUTBOX_DIR: '/tmp/eduspry-bench-mail',
};

/** Calls `work` back to back for `seconds` and returns completions per second. */
async function loop(seconds: number, work: () => Promise<unknown>): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const started = performance.now();
  while (performance.now() < end) {
    await work();
    done++;
  }
  return Math.round(done / ((performance.now() - started) / 1000));
}

// A tenant and a user to sign in as, written directly (the benchmark measures sign-in, not setup).
const admin = createDb(process.env.DATABASE_URL!, { applicationName: 'bench-auth-setup', max: 1 });
const [tenant] = await admin<{ id: string }[]>`
  insert into identity.tenants (slug, name) values ('bench-district', 'Bench District') returning id`;
await admin`insert into identity.users (tenant_id, email, display_name, password_hash, roles)
  values (${tenant!.id}, 'bench@example.test', 'Bench', ${await hashPassword(PASSWORD)}, '{student}')`;
await admin.end();

const auth = await serveInChild(servers, ['auth'], env);
const base = `http://127.0.0.1:${auth.port}`;
try {
  const signIn = await fetch(`${base}/token?grant_type=password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'bench-district', email: 'bench@example.test', password: PASSWORD }),
  });
  if (!signIn.ok) throw new Error(`sign-in failed: ${signIn.status} ${await signIn.text()}`);
  const token = ((await signIn.json()) as { access_token: string }).access_token;
  const jwksUrl = `${base}/.well-known/jwks.json`;
  const jwks = createLocalJWKSet((await (await fetch(jwksUrl)).json()) as JSONWebKeySet);

  // 1. In-process: the bare jose loop is the ceiling; the helper adds JWKS caching and claim checks.
  const options = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['EdDSA', 'ES256'] };
  const verifier = createTokenVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE });
  await loop(0.5, () => jwtVerify(token, jwks, options)); // warm-up
  await loop(0.5, () => verifier.verify(token));
  // Interleaved rounds, so load from other processes on a shared machine hits both alike.
  const rounds = 6;
  let bareSum = 0;
  let helperSum = 0;
  for (let round = 0; round < rounds; round++) {
    bareSum += await loop(DURATION / rounds, () => jwtVerify(token, jwks, options));
    helperSum += await loop(DURATION / rounds, () => verifier.verify(token));
  }
  const bare = Math.round(bareSum / rounds);
  const helper = Math.round(helperSum / rounds);
  report({
    benchmark: 'auth-token-verification',
    ceiling: 'bare jose.jwtVerify loop, one core',
    alg: 'EdDSA (Ed25519)',
    bareVerificationsPerSecond: bare,
    helperVerificationsPerSecond: helper,
    ratio: ratio(helper, bare),
    goal: 0.8,
  });

  // 2. Through a service route: verified requests/s vs the same service's unauthenticated /health.
  const service = await serveInChild(servers, ['verify', jwksUrl, ISSUER, AUDIENCE], env);
  try {
    const url = `http://127.0.0.1:${service.port}`;
    const headers = { authorization: `Bearer ${token}` };
    await loadHttp(`${url}/whoami`, { duration: 1, headers }); // warm-up, fetches the JWKS
    const route = await loadHttp(`${url}/whoami`, { headers });
    const health = await loadHttp(`${url}/health`);
    report({
      benchmark: 'auth-token-verification-route',
      ceiling: 'bare jose.jwtVerify loop, one core (above)',
      route: 'GET /whoami (requireUser) in a kit service',
      verifiedRequests: route,
      unauthenticatedHealth: health,
      ratioToBareLoop: ratio(route.requestsPerSecond, bare),
      ratioToUnauthenticatedRoute: ratio(route.requestsPerSecond, health.requestsPerSecond),
    });
  } finally {
    await service.stop();
  }

  // 3. Sign-ins: argon2id dominates by design; this says how many cores a sign-in peak needs.
  const hash = await hashPassword(PASSWORD);
  const argon2PerSecond = await loop(Math.min(DURATION, 3), () => verifyPassword(hash, PASSWORD));
  const signIns = await autocannon({
    url: `${base}/token?grant_type=password`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'bench-district', email: 'bench@example.test', password: PASSWORD }),
    connections: 4,
    duration: DURATION,
  });
  report({
    benchmark: 'auth-sign-in',
    argon2: {
      algorithm: 'argon2id',
      memoryKiB: ARGON2_PARAMS.memoryCost,
      iterations: ARGON2_PARAMS.timeCost,
      parallelism: ARGON2_PARAMS.parallelism,
    },
    argon2VerificationsPerSecondOneThread: argon2PerSecond,
    signInsPerSecond: Math.round(signIns.requests.average),
    p50Ms: signIns.latency.p50,
    p99Ms: signIns.latency.p99,
    non2xx: signIns.non2xx,
    errors: signIns.errors + signIns.timeouts,
    connections: 4,
    note: 'one auth-service process; each sign-in is one argon2id verification plus a session write',
  });
} finally {
  await auth.stop();
}
