import { setTimeout as sleep } from 'node:timers/promises';
import type { Sql } from '@eduspry/common';
import type { NotificationContext } from './domain/context.ts';
import { pushLiveBatch, sendDueMessages } from './domain/delivery.ts';
import { WebhookDispatcher } from './webhooks/dispatcher.ts';

export interface Workers {
  dispatcher: WebhookDispatcher;
  stop(): Promise<void>;
}

/**
 * The background work of notification-service, each a loop that runs while there is work, then
 * sleeps until woken (NOTIFY `notification_work` from the tables' triggers) or its poll interval:
 * live pushes, channel messages (email, push, SMS, digests), webhook deliveries. Every claim is a
 * lease in the database, so several instances share the work and a killed one loses nothing.
 */
export async function startWorkers(
  ctx: NotificationContext,
  listenSql: Sql,
  pollMs = 1000,
): Promise<Workers> {
  let stopped = false;
  const wakers = new Set<() => void>();
  const wake = () => {
    for (const waker of wakers) waker();
  };
  const listener = await listenSql.listen('notification_work', wake);
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakers.add(done);
    });
  const loop = async (name: string, run: () => Promise<number>) => {
    let failures = 0;
    while (!stopped) {
      try {
        const handled = await run();
        failures = 0;
        if (handled > 0) continue;
        await idle(pollMs);
      } catch (error) {
        failures++;
        ctx.log.warn({ err: error, worker: name, failures }, 'worker run failed');
        await sleep(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
      }
    }
  };
  const dispatcher = new WebhookDispatcher(ctx);
  const loops = [
    loop('live-push', () => pushLiveBatch(ctx)),
    loop('channel-messages', () => sendDueMessages(ctx)),
    loop('webhooks', async () => {
      const claimed = await dispatcher.tick();
      if (dispatcher.inFlight >= ctx.webhooks.concurrency || (!claimed && dispatcher.inFlight)) {
        await Promise.race([dispatcher.oneFinished(), idle(pollMs)]);
        return 1;
      }
      return claimed;
    }),
  ];
  return {
    dispatcher,
    async stop() {
      stopped = true;
      wake();
      await Promise.all(loops);
      await dispatcher.drain();
      await listener.unlisten();
    },
  };
}
