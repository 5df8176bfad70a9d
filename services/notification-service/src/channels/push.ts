import webpush from 'web-push';
import type { SafeHttpClient } from '../webhooks/outbound.ts';

export interface PushSubscriptionKeys {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** Outcome of one push: `gone` means the browser dropped the subscription (404/410): delete it. */
export type PushOutcome = 'sent' | 'gone';

/** The web push port (VAPID, RFC 8030/8291/8292) through the `web-push` library. */
export interface PushSender {
  send(subscription: PushSubscriptionKeys, payload: string): Promise<PushOutcome>;
}

/**
 * `web-push` builds the request (VAPID JWT, aes128gcm encryption for the subscription's keys); it
 * is sent through the same SSRF-safe client as webhooks, since a push endpoint is a URL a browser,
 * that is a user, chose.
 */
export function createWebPush(options: {
  publicKey: string;
  privateKey: string;
  subject: string;
  http: SafeHttpClient;
}): PushSender {
  return {
    async send(subscription, payload) {
      const request = webpush.generateRequestDetails(
        { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
        payload,
        {
          vapidDetails: {
            subject: options.subject,
            publicKey: options.publicKey,
            privateKey: options.privateKey,
          },
          TTL: 24 * 3600,
        },
      );
      const response = await options.http.send(request.endpoint, {
        method: 'POST',
        headers: request.headers as Record<string, string>,
        ...(request.body ? { body: request.body as Buffer } : {}),
      });
      if (response.status === 404 || response.status === 410) return 'gone';
      if (response.status < 200 || response.status >= 300)
        throw new Error(`push service answered ${response.status}`);
      return 'sent';
    },
  };
}
