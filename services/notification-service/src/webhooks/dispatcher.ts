import type { Tx } from '@eduspry/common';
import {
  type ClaimedDelivery,
  claimDueDeliveries,
  completeDelivery,
  disableEndpoint,
  markEndpointHealth,
  recordAttempt,
  recordSuccesses,
} from '../db/webhooks.ts';
import type { NotificationContext } from '../domain/context.ts';
import { notifyEndpointDisabled } from '../domain/events.ts';
import { responseExcerpt, retryDelayMs } from '../domain/rules.ts';
import { UnsafeUrlError } from './outbound.ts';
import { signedHeaders } from './signing.ts';

/**
 * Works `notification.webhook_deliveries`: claims due rows for a lease (so a crashed dispatcher's
 * claims are taken again once the lease ends, with the same webhook-id: at-least-once), sends them
 * concurrently through the SSRF-safe client, records every attempt, and schedules retries with
 * exponential backoff and jitter until the delivery's horizon (24 h). No endpoint holds more than
 * its share of the concurrency, so a slow or huge receiver cannot stall the others. An endpoint
 * failing without a success for WEBHOOK_DISABLE_AFTER_MS is disabled and its tenant admins told.
 */
export class WebhookDispatcher {
  readonly #ctx: NotificationContext;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #perEndpoint = new Map<string, number>();
  readonly #share: number;
  /** Claims on their way to the database and back, and the slots they were given. */
  readonly #claims = new Set<Promise<number>>();
  #reserved = 0;
  /** Whether the last claim came back full: finished deliveries then claim again at once. */
  #moreDue = false;
  /** Successful attempts waiting to be recorded together (one transaction for many). */
  #succeeded: { delivery: ClaimedDelivery; statusCode: number; latencyMs: number; excerpt: string }[] = [];
  #flushing: Promise<void> | undefined;
  #flushTimer: NodeJS.Timeout | undefined;

  constructor(ctx: NotificationContext) {
    this.#ctx = ctx;
    this.#share = Math.max(1, Math.ceil(ctx.webhooks.concurrency / 4));
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * Claims what fits into the free slots and starts sending it; resolves with how many were
   * claimed. Up to two claims are on their way at once, so slots freed while one travels to the
   * database and back are claimed by the next instead of waiting a round trip; every finished
   * delivery starts one while the last claim came back full (more is due).
   */
  tick(): Promise<number> {
    const concurrency = this.#ctx.webhooks.concurrency;
    const free = concurrency - this.#inFlight.size - this.#reserved;
    // Claim in batches: a claim per finished delivery would cost more than the delivery.
    const working = this.#inFlight.size > 0 || this.#reserved > 0;
    if (free <= 0 || this.#claims.size >= 2 || (working && free < Math.ceil(concurrency / 4)))
      return Promise.resolve(0);
    this.#reserved += free;
    const claiming: Promise<number> = this.#claim(free).finally(() => {
      this.#reserved -= free;
      this.#claims.delete(claiming);
    });
    this.#claims.add(claiming);
    return claiming;
  }

  async #claim(limit: number): Promise<number> {
    const now = this.#ctx.now();
    const busy = [...this.#perEndpoint].filter(([, count]) => count >= this.#share).map(([id]) => id);
    const claimed = await claimDueDeliveries(this.#ctx.sql, {
      now,
      leaseMs: this.#ctx.webhooks.timeoutMs + 30_000,
      limit,
      perEndpoint: this.#share,
      busy,
    });
    this.#moreDue = claimed.length === limit;
    for (const delivery of claimed) {
      this.#perEndpoint.set(delivery.endpoint_id, (this.#perEndpoint.get(delivery.endpoint_id) ?? 0) + 1);
      const sending: Promise<void> = this.#send(delivery)
        .catch((error) =>
          this.#ctx.log.error({ err: error, deliveryId: delivery.id }, 'webhook delivery bookkeeping failed'),
        )
        .finally(() => {
          this.#inFlight.delete(sending);
          const left = (this.#perEndpoint.get(delivery.endpoint_id) ?? 1) - 1;
          if (left > 0) this.#perEndpoint.set(delivery.endpoint_id, left);
          else this.#perEndpoint.delete(delivery.endpoint_id);
          if (this.#moreDue)
            this.tick().catch((error) =>
              this.#ctx.log.error({ err: error }, 'claiming webhook deliveries failed'),
            );
        });
      this.#inFlight.add(sending);
    }
    return claimed.length;
  }

  /** Resolves when a delivery in flight or a claim on its way finishes (at once when none is). */
  async oneFinished(): Promise<void> {
    if (this.#inFlight.size || this.#claims.size) await Promise.race([...this.#inFlight, ...this.#claims]);
  }

  async drain(): Promise<void> {
    while (this.#inFlight.size || this.#claims.size)
      await Promise.allSettled([...this.#inFlight, ...this.#claims]);
    await this.#flush();
  }

  /** Claims and sends until nothing is due (tests and benchmarks drive it like this). */
  async runUntilIdle(): Promise<void> {
    for (;;) {
      const claimed = await this.tick();
      if (!claimed && !this.#inFlight.size && !this.#claims.size) {
        await this.#flush();
        if (!this.#inFlight.size && !this.#claims.size && !(await this.tick())) return;
        continue;
      }
      if (!claimed || this.#inFlight.size >= this.#ctx.webhooks.concurrency) await this.oneFinished();
    }
  }

  async #send(delivery: ClaimedDelivery): Promise<void> {
    const ctx = this.#ctx;
    const body = JSON.stringify(delivery.payload);
    // The signature's timestamp is the wall clock (receivers compare it with theirs); scheduling uses ctx.now().
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'EduSpry-Webhooks/1.0',
      ...signedHeaders(delivery.secrets, delivery.message_id, new Date(), body),
    };
    const started = performance.now();
    let statusCode: number | null = null;
    let excerpt: string | null = null;
    let error: string | null = null;
    try {
      const response = await ctx.http.send(delivery.url, { method: 'POST', headers, body });
      statusCode = response.status;
      excerpt = responseExcerpt(response.body);
    } catch (caught) {
      if (caught instanceof UnsafeUrlError) {
        ctx.log.warn(
          { url: caught.url, reason: caught.reason, endpointId: delivery.endpoint_id },
          'webhook refused: unsafe address',
        );
        error = `refused: ${caught.reason}`;
      } else {
        const cause = (caught as { cause?: { code?: string } }).cause;
        error = `${(caught as Error).name}: ${(caught as Error).message}${cause?.code ? ` (${cause.code})` : ''}`;
      }
    }
    const latencyMs = Math.round(performance.now() - started);
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    if (ok && !delivery.failing_since) {
      this.#succeeded.push({ delivery, statusCode: statusCode!, latencyMs, excerpt: excerpt ?? '' });
      if (this.#succeeded.length >= 64) await this.#flush();
      else this.#flushTimer ??= setTimeout(() => void this.#flush(), 20);
      return;
    }
    await ctx.sql.begin(async (tx) => {
      const now = ctx.now();
      await recordAttempt(tx, {
        tenantId: delivery.tenant_id,
        deliveryId: delivery.id,
        at: now,
        statusCode,
        latencyMs,
        excerpt,
        error: error?.slice(0, 1000) ?? null,
      });
      if (ok) {
        await completeDelivery(tx, delivery.id, { status: 'succeeded', statusCode, at: now });
        if (delivery.failing_since) await markEndpointHealth(tx, delivery.endpoint_id, true, now);
        return;
      }
      const next = new Date(
        now.getTime() + retryDelayMs(delivery.attempts, ctx.webhooks.retryInitialMs, ctx.webhooks.retryMaxMs),
      );
      const giveUp = next > delivery.give_up_at;
      await completeDelivery(tx, delivery.id, {
        status: giveUp ? 'failed' : 'pending',
        statusCode,
        at: now,
        nextAttemptAt: next,
      });
      const failingSince = await markEndpointHealth(tx, delivery.endpoint_id, false, now);
      if (failingSince && now.getTime() - failingSince.getTime() >= ctx.webhooks.disableAfterMs)
        await this.#disable(tx, delivery, failingSince, now);
    });
  }

  /**
   * Records the buffered successes in one statement. Until it commits they are leased, not done:
   * a crash here sends them again after the lease (at-least-once, same webhook-id).
   */
  async #flush(): Promise<void> {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    await this.#flushing;
    if (!this.#succeeded.length) return;
    const batch = this.#succeeded;
    this.#succeeded = [];
    const at = this.#ctx.now();
    this.#flushing = recordSuccesses(
      this.#ctx.sql,
      batch.map(({ delivery, statusCode, latencyMs, excerpt }) => ({
        tenantId: delivery.tenant_id,
        deliveryId: delivery.id,
        statusCode,
        latencyMs,
        excerpt,
      })),
      at,
    )
      .catch((error) =>
        this.#ctx.log.error({ err: error, deliveries: batch.length }, 'recording webhook successes failed'),
      )
      .finally(() => {
        this.#flushing = undefined;
      });
    await this.#flushing;
  }

  async #disable(tx: Tx, delivery: ClaimedDelivery, failingSince: Date, now: Date): Promise<void> {
    const reason = `failing since ${failingSince.toISOString()} without a successful delivery`;
    const disabled = await disableEndpoint(tx, delivery.endpoint_id, reason);
    if (!disabled) return;
    this.#ctx.log.warn(
      { endpointId: delivery.endpoint_id, tenantId: delivery.tenant_id, reason },
      'webhook endpoint disabled',
    );
    await notifyEndpointDisabled(
      tx,
      { tenantId: delivery.tenant_id, id: delivery.endpoint_id, url: disabled.url, reason },
      now,
    );
  }
}
