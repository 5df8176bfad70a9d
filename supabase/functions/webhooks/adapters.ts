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
 * Delivery ids seen, in this process (kept 7 days). Enough for one function server; several
 * instances need a shared store behind the same two functions (a table with a unique key).
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
 * tenant from configuration (INCOMING_WEBHOOK_TOKENS), so course-service applies its own rules.
 */
export function courseServiceRoster(options: {
  baseUrl: string;
  tokenFor(tenant: string): Promise<string | undefined>;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): IncomingWebhookPorts['applyRoster'] {
  const send = options.fetch ?? fetch;
  return async (tenant, csv) => {
    const token = await options.tokenFor(tenant);
    if (!token) return { status: 403, body: { detail: `no integration token configured for ${tenant}` } };
    const response = await send(`${options.baseUrl.replace(/\/$/, '')}/enrollments/bulk`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` },
      body: csv,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    return { status: response.status, body };
  };
}
