import { Webhook } from 'standardwebhooks';
import type { IncomingWebhookPorts } from './handler.ts';

export const standardWebhooksVerify: IncomingWebhookPorts['verify'] = (secret, body, headers) => {
  new Webhook(secret).verify(body, headers, { jsonParse: false });
};

/** Secrets from configuration: `{"riverside-school-district": ["whsec_…", …]}` (INCOMING_WEBHOOK_SECRETS). */
export function configuredSecrets(json: string | undefined): IncomingWebhookPorts['secretsFor'] {
  const table = json ? (JSON.parse(json) as Record<string, string | string[]>) : {};
  return async (tenant) => {
    const value = table[tenant];
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  };
}

/**
 * Delivery ids being or already applied in this process (kept 7 days): spares the owning service
 * a repeat that arrives here again. What makes a delivery apply once across instances is the
 * owning service's idempotency key (courseServiceRoster sends the delivery id).
 */
export function memoryDeliveries(
  ttlMs = 7 * 24 * 3600_000,
): Pick<IncomingWebhookPorts, 'claimDelivery' | 'releaseDelivery'> {
  const seen = new Map<string, number>();
  return {
    async claimDelivery(tenant, id) {
      const key = `${tenant}|${id}`;
      const now = Date.now();
      for (const [k, at] of seen) if (now - at > ttlMs) seen.delete(k);
      if (seen.has(key)) return false;
      seen.set(key, now);
      return true;
    },
    async releaseDelivery(tenant, id) {
      seen.delete(`${tenant}|${id}`);
    },
  };
}

/**
 * course-service's POST /enrollments/bulk, as the tenant's integration account: a bearer token per
 * tenant from configuration (INCOMING_WEBHOOK_TOKENS), so course-service applies its own rules;
 * the delivery id is its Idempotency-Key, so a delivery applies once whichever instance gets it.
 */
export function courseServiceRoster(options: {
  baseUrl: string;
  tokenFor(tenant: string): Promise<string | undefined>;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): IncomingWebhookPorts['applyRoster'] {
  const send = options.fetch ?? fetch;
  return async (tenant, csv, deliveryId) => {
    const token = await options.tokenFor(tenant);
    if (!token) return { status: 403, body: { detail: `no integration token configured for ${tenant}` } };
    const response = await send(`${options.baseUrl.replace(/\/$/, '')}/enrollments/bulk`, {
      method: 'POST',
      headers: {
        'content-type': 'text/csv',
        authorization: `Bearer ${token}`,
        'idempotency-key': deliveryId,
      },
      body: csv,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    return {
      status: response.status,
      body,
      replayed: (body as { replayed?: unknown } | null)?.replayed === true,
    };
  };
}
