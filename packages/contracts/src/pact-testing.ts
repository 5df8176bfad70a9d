import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MatchersV3,
  type MessageProviders,
  PactV4,
  Verifier,
  type VerifierOptions,
} from '@pact-foundation/pact';

type StateHandlers = NonNullable<VerifierOptions['stateHandlers']>;

/**
 * Consumer-driven contracts (Pact V4, no broker): consumers' tests write their expectations to a
 * scratch folder and compare them with the committed pact in `packages/contracts/pacts/`; each
 * provider's tests verify every committed pact that names it against the real app. Test-only: no
 * service imports this outside `test/`.
 */
export const PACT_DIR = fileURLToPath(new URL('../pacts/', import.meta.url));
export { MatchersV3 as Matchers };

export type PactKind = 'http' | 'message';

interface PactFile {
  consumer: { name: string };
  provider: { name: string };
  interactions: { type: string; description: string; providerStates?: { name: string }[] }[];
}

const fileName = (consumer: string, provider: string) => `${consumer}-${provider}.json`;

/** The interactions of a pact as a stable, comparable text (metadata names library versions). */
function canonical(file: string): string {
  const pact = JSON.parse(readFileSync(file, 'utf8')) as PactFile;
  const interactions = [...pact.interactions].sort((a, b) =>
    `${a.description}|${JSON.stringify(a.providerStates ?? [])}`.localeCompare(
      `${b.description}|${JSON.stringify(b.providerStates ?? [])}`,
    ),
  );
  return JSON.stringify({ consumer: pact.consumer, provider: pact.provider, interactions }, null, 2);
}

export interface ConsumerPact {
  pact: PactV4;
  /**
   * After the file's interactions ran: the written pact must equal the committed one, or be written
   * there with `PACT_UPDATE=1`. Throws naming the pact when it is stale or missing.
   */
  settle(): void;
}

/**
 * A Pact V4 consumer of `provider`, writing to a scratch folder until `settle()`. `port` fixes the
 * mock server's port, for clients that read their base URL once at import (the apps' GATEWAY_URL).
 */
export function consumerPact(
  consumer: string,
  provider: string,
  dir = PACT_DIR,
  options: { port?: number } = {},
): ConsumerPact {
  const scratch = mkdtempSync(join(tmpdir(), 'eduspry-pact-'));
  const pact = new PactV4({ consumer, provider, dir: scratch, logLevel: 'error', ...options });
  return {
    pact,
    settle() {
      const written = join(scratch, fileName(consumer, provider));
      const committed = join(dir, fileName(consumer, provider));
      try {
        if (!existsSync(written)) throw new Error(`no pact was written for ${consumer} → ${provider}`);
        if (process.env.PACT_UPDATE === '1') {
          copyFileSync(written, committed);
          return;
        }
        if (!existsSync(committed) || canonical(written) !== canonical(committed))
          throw new Error(
            `the committed pact ${fileName(consumer, provider)} is not what ${consumer}'s tests expect now: ` +
              `run them with PACT_UPDATE=1 and commit packages/contracts/pacts/`,
          );
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    },
  };
}

/** The committed pacts naming `provider` with interactions of the kind, one file per consumer. */
export function pactsFor(
  provider: string,
  kind: PactKind,
  dir = PACT_DIR,
): { consumer: string; file: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => ({
      file: join(dir, name),
      pact: JSON.parse(readFileSync(join(dir, name), 'utf8')) as PactFile,
    }))
    .filter(
      ({ pact }) =>
        pact.provider.name === provider &&
        pact.interactions.some((i) =>
          kind === 'http' ? i.type.includes('HTTP') : i.type.includes('Message'),
        ),
    )
    .map(({ file, pact }) => ({ consumer: pact.consumer.name, file }))
    .sort((a, b) => a.consumer.localeCompare(b.consumer));
}

export interface ProviderVerification {
  provider: string;
  /** The real app, listening (HTTP pacts). */
  providerBaseUrl?: string;
  stateHandlers?: StateHandlers;
  /** Message description → the producer's real event (message pacts). */
  messageProviders?: MessageProviders;
  requestFilter?: VerifierOptions['requestFilter'];
  /** Pact files to verify instead of the committed ones (the gate's own test). */
  pacts?: { consumer: string; file: string }[];
}

type RequestFilter = NonNullable<VerifierOptions['requestFilter']>;

/**
 * For pacts of the apps, which call a service through the api-gateway's `/api/<service>/...`
 * pass-through: takes the gateway's prefix off before `next` (the provider's own filter), as the
 * gateway does when it forwards path, query, body and the caller's headers unchanged.
 */
export function gatewayPassThrough(provider: string, next?: RequestFilter): RequestFilter {
  const prefix = `/api/${provider}/`;
  return (request, response, done) => {
    if (request.url.startsWith(prefix)) request.url = request.url.slice(prefix.length - 1);
    return next ? next(request, response, done) : done();
  };
}

/**
 * A request without a body reaches the provider as one (`content-length: 0`), as fetch sends it: the
 * verifier's proxy would otherwise stream it chunked, and a service that refuses a body without a
 * content type (415) would fail a pact its consumer keeps.
 */
function withoutBodyAsEmpty(next?: RequestFilter): RequestFilter {
  return (request, response, done) => {
    const empty = !request.body || (Buffer.isBuffer(request.body) && request.body.length === 0);
    if (empty && !request.headers['content-length'] && !request.headers['transfer-encoding'])
      request.headers['content-length'] = '0';
    return next ? next(request, response, done) : done();
  };
}

/** The verifier's failures, one line each: the interaction and what did not match. */
function summary(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  try {
    const result = JSON.parse(text) as {
      errors?: {
        interaction: string;
        mismatch?: { mismatches?: { mismatch?: string }[]; message?: string };
      }[];
    };
    if (!result.errors?.length) return text.slice(0, 2000);
    return result.errors
      .map(
        (error) =>
          `\n  - ${error.interaction}: ${
            error.mismatch?.mismatches?.map((m) => m.mismatch).join('; ') ??
            error.mismatch?.message ??
            'failed'
          }`,
      )
      .join('');
  } catch {
    return text.slice(0, 2000);
  }
}

/** A consumer's pact that the provider broke; the message starts with the consumer's name. */
export class PactBroken extends Error {
  override name = 'PactBroken';
  readonly consumer: string;
  constructor(consumer: string, provider: string, cause: unknown) {
    super(`${consumer}'s pact with ${provider} is broken by ${provider}: ${summary(cause)}`);
    this.consumer = consumer;
  }
}

/**
 * Verifies each pact separately, so a failure names its consumer. Resolves with the consumers
 * verified; rejects with a PactBroken naming every consumer whose pact failed.
 */
export async function verifyPacts(
  kind: PactKind,
  { provider, pacts, providerBaseUrl, stateHandlers, messageProviders, requestFilter }: ProviderVerification,
): Promise<string[]> {
  const found = pacts ?? pactsFor(provider, kind);
  const broken: PactBroken[] = [];
  for (const { consumer, file } of found) {
    try {
      await new Verifier({
        provider,
        pactUrls: [file],
        logLevel: 'error',
        ...(providerBaseUrl ? { providerBaseUrl } : {}),
        ...(stateHandlers ? { stateHandlers } : {}),
        ...(messageProviders ? { messageProviders } : {}),
        requestFilter: withoutBodyAsEmpty(requestFilter),
      }).verifyProvider();
    } catch (error) {
      broken.push(new PactBroken(consumer, provider, error));
    }
  }
  if (broken.length === 1) throw broken[0];
  if (broken.length) {
    const error = new PactBroken(
      broken.map((b) => b.consumer).join(', '),
      provider,
      broken.map((b) => b.message).join('; '),
    );
    throw error;
  }
  return found.map((p) => p.consumer);
}
