import { metricsRegistry } from '@eduspry/common';
import {
  BrokenCircuitError,
  circuitBreaker,
  ExponentialBackoff,
  handleType,
  type IPolicy,
  retry,
  SamplingBreaker,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import client from 'prom-client';

/**
 * One client per upstream service: every call has a timeout, idempotent calls (GET/HEAD) are
 * retried with backoff on network errors, timeouts and 502/503/504, and a circuit breaker
 * stops calling a service that keeps failing, so a downed service costs its callers a fast
 * error instead of a timeout each. Policies come from cockatiel. Only failures of the upstream
 * itself count (no connection, no answer in time, 502/503/504); any other answer, a 500 caused
 * by a client's input included, is passed on as an answer and never opens the circuit, which
 * opens only when more than `breakerFailureRatio` of at least `breakerMinimumCalls` calls in
 * the last `breakerWindowMs` failed: a handful of hostile requests cannot open it for everyone.
 */
export interface UpstreamOptions {
  name: string;
  baseUrl: string;
  timeoutMs: number;
  attempts: number;
  /** Share of failed calls in the window that opens the circuit, in (0, 1). */
  breakerFailureRatio: number;
  /** Calls the window must hold before the circuit may open at all. */
  breakerMinimumCalls: number;
  breakerWindowMs: number;
  halfOpenAfterMs: number;
}

export interface UpstreamRequest {
  method: string;
  /** Path and query, e.g. `/courses?enrolled=true`. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer | undefined;
}

export interface UpstreamResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The body parsed as JSON when it is JSON, else undefined. */
  json(): unknown;
}

/** The upstream could not answer: unreachable, timed out, 5xx, or its circuit is open. */
export class UpstreamUnavailable extends Error {
  override name = 'UpstreamUnavailable';
  readonly upstream: string;
  readonly reason: 'circuit-open' | 'timeout' | 'unreachable' | 'server-error';
  readonly status: number | undefined;
  constructor(upstream: string, reason: UpstreamUnavailable['reason'], detail: string, status?: number) {
    super(`${upstream} is unavailable (${detail})`);
    this.upstream = upstream;
    this.reason = reason;
    this.status = status;
  }
}

/** A transient failure worth retrying and counting against the breaker. */
class TransientFailure extends Error {
  readonly reason: 'unreachable' | 'server-error';
  readonly status: number | undefined;
  constructor(reason: 'unreachable' | 'server-error', message: string, status?: number) {
    super(message);
    this.reason = reason;
    this.status = status;
  }
}

export const upstreamRequestsTotal = new client.Counter({
  name: 'gateway_upstream_requests_total',
  help: 'Calls from the gateway to upstream services, by upstream and outcome',
  labelNames: ['upstream', 'method', 'outcome'] as const,
  registers: [metricsRegistry],
});

const RETRYABLE_STATUS = new Set([502, 503, 504]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface Upstream {
  readonly name: string;
  readonly baseUrl: string;
  /** `closed`, `open`, `halfOpen` or `isolated`: what the breaker currently does. */
  circuitState(): string;
  request(request: UpstreamRequest, onAttempt?: () => void): Promise<UpstreamResponse>;
}

export function createUpstream(options: UpstreamOptions): Upstream {
  const breaker = circuitBreaker(handleType(TransientFailure).orType(TaskCancelledError), {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new SamplingBreaker({
      threshold: options.breakerFailureRatio,
      duration: options.breakerWindowMs,
      minimumRps: options.breakerMinimumCalls / (options.breakerWindowMs / 1000),
    }),
  });
  const perAttempt = timeout(options.timeoutMs, TimeoutStrategy.Aggressive);
  const retries = retry(handleType(TransientFailure).orType(TaskCancelledError), {
    maxAttempts: options.attempts - 1,
    backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 500 }),
  });
  // Outermost first: retry → breaker → timeout, so each attempt has its own timeout and counts
  // once against the breaker, and an open circuit is not retried.
  const idempotent: IPolicy = wrap(retries, breaker, perAttempt);
  const once: IPolicy = wrap(breaker, perAttempt);
  const base = options.baseUrl.replace(/\/$/, '');

  async function attempt(request: UpstreamRequest, signal: AbortSignal): Promise<UpstreamResponse> {
    let response: Response;
    try {
      response = await fetch(base + request.path, {
        method: request.method,
        headers: request.headers ?? {},
        ...(request.body === undefined ? {} : { body: request.body }),
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new TransientFailure(
        'unreachable',
        (error as Error).cause ? String((error as Error).cause) : String(error),
      );
    }
    const body = Buffer.from(await response.arrayBuffer());
    if (RETRYABLE_STATUS.has(response.status))
      throw new TransientFailure('server-error', `answered ${response.status}`, response.status);
    return {
      status: response.status,
      headers: response.headers,
      body,
      json() {
        const type = response.headers.get('content-type') ?? '';
        return /json/.test(type) && body.length ? JSON.parse(body.toString('utf8')) : undefined;
      },
    };
  }

  return {
    name: options.name,
    baseUrl: base,
    circuitState: () => ['closed', 'open', 'halfOpen', 'isolated'][breaker.state] ?? String(breaker.state),
    async request(request, onAttempt) {
      const policy = IDEMPOTENT.has(request.method.toUpperCase()) ? idempotent : once;
      try {
        const response = await policy.execute(({ signal }) => {
          onAttempt?.();
          return attempt(request, signal);
        });
        upstreamRequestsTotal.inc({ upstream: options.name, method: request.method, outcome: 'answered' });
        return response;
      } catch (error) {
        const unavailable = toUnavailable(options, error);
        upstreamRequestsTotal.inc({
          upstream: options.name,
          method: request.method,
          outcome: unavailable.reason,
        });
        throw unavailable;
      }
    },
  };
}

function toUnavailable(options: UpstreamOptions, error: unknown): UpstreamUnavailable {
  if (error instanceof BrokenCircuitError)
    return new UpstreamUnavailable(options.name, 'circuit-open', 'circuit open after repeated failures');
  if (error instanceof TaskCancelledError)
    return new UpstreamUnavailable(options.name, 'timeout', `no answer within ${options.timeoutMs} ms`);
  if (error instanceof TransientFailure)
    return new UpstreamUnavailable(options.name, error.reason, error.message, error.status);
  return new UpstreamUnavailable(options.name, 'unreachable', String(error));
}
