// Supabase Edge Function `webhooks`: incoming, signed webhooks from third parties (a district's
// SIS). verify_jwt is off: the Standard Webhooks signature with the tenant's secret is the check.
import {
  configuredSecrets,
  courseServiceRoster,
  memoryDeliveries,
  standardWebhooksVerify,
} from './adapters.ts';
import { createIncomingWebhookHandler } from './handler.ts';

const env = (name: string) => Deno.env.get(name) || undefined;
const tokens = JSON.parse(env('INCOMING_WEBHOOK_TOKENS') ?? '{}') as Record<string, string>;

const handler = createIncomingWebhookHandler({
  secretsFor: configuredSecrets(env('INCOMING_WEBHOOK_SECRETS')),
  verify: standardWebhooksVerify,
  ...memoryDeliveries(),
  applyRoster: courseServiceRoster({
    baseUrl: env('COURSE_SERVICE_URL') ?? 'http://127.0.0.1:4002',
    tokenFor: async (tenant) => tokens[tenant],
  }),
});

Deno.serve(handler);
