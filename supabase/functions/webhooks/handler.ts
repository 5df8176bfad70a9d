/**
 * webhooks (incoming): third parties such as a district's SIS post changes to
 * `/functions/v1/webhooks/<tenant-slug>/<source>`, signed per Standard Webhooks with the tenant's
 * secret. Each delivery is applied once, by its `webhook-id`: a redelivery answers 200 with
 * `duplicate: true` and changes nothing. Applied through the owning service's API, never its
 * tables, with the delivery id as its idempotency key, so the owning service keeps "once" across
 * every instance of this function (the in-process claim only spares it concurrent repeats). Sources:
 *   oneroster   a roster update, OneRoster CSV (`text/csv`: sourcedId,user,class,role) or JSON
 *               (`{ "enrollments": [{ sourcedId, user: { sourcedId }, class: { sourcedId }, role }] }`),
 *               applied by course-service's POST /enrollments/bulk (all rows or none).
 */

export interface ApplyResult {
  status: number;
  body: unknown;
}

export interface IncomingWebhookPorts {
  /** The tenant's signing secrets (several during a rotation); empty: the tenant takes no webhooks. */
  secretsFor(tenantSlug: string): Promise<string[]>;
  /** Verifies a Standard Webhooks signature with one secret; throws if it does not verify. */
  verify(secret: string, body: string, headers: Record<string, string>): void;
  /** Claims a delivery id for processing: false if it was applied already (or is being applied). */
  claimDelivery(tenantSlug: string, deliveryId: string): Promise<boolean>;
  /** Gives a claimed delivery back when applying failed, so the sender's retry applies it. */
  releaseDelivery(tenantSlug: string, deliveryId: string): Promise<void>;
  /** Applies a roster at most once per tenant and delivery id (`replayed` when it was already). */
  applyRoster(
    tenantSlug: string,
    csv: string,
    deliveryId: string,
  ): Promise<ApplyResult & { replayed?: boolean }>;
}

const PROBLEM_BASE = 'https://eduspry.dev/problems/';
const MAX_BYTES = 2 * 1024 * 1024;
const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

const problem = (
  status: number,
  code: string,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
) =>
  new Response(JSON.stringify({ type: PROBLEM_BASE + code, title, status, detail, ...extra }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });

const csvField = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** OneRoster JSON enrollments → the CSV course-service's bulk endpoint reads. */
export function rosterJsonToCsv(input: unknown): string | null {
  const enrollments = (input as { enrollments?: unknown })?.enrollments;
  if (!Array.isArray(enrollments) || !enrollments.length || enrollments.length > 10_000) return null;
  const lines = ['sourcedId,user,class,role'];
  for (const entry of enrollments) {
    const e = entry as {
      sourcedId?: unknown;
      user?: { sourcedId?: unknown };
      class?: { sourcedId?: unknown };
      role?: unknown;
    };
    const fields = [e?.sourcedId, e?.user?.sourcedId, e?.class?.sourcedId, e?.role];
    if (
      !fields.every(
        (field) =>
          typeof field === 'string' && field.length > 0 && field.length <= 200 && !field.includes('\u0000'),
      )
    )
      return null;
    lines.push((fields as string[]).map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function createIncomingWebhookHandler(ports: IncomingWebhookPorts) {
  return async (request: Request): Promise<Response> => {
    if (request.method !== 'POST')
      return problem(405, 'method-not-allowed', 'Method Not Allowed', 'POST only');
    const path = new URL(request.url).pathname.replace(/^(\/functions\/v1)?\/webhooks/, '');
    const [, tenantSlug, source, extra] = path.split('/');
    if (!tenantSlug || !SLUG.test(tenantSlug) || !source || extra !== undefined)
      return problem(404, 'not-found', 'Not Found', 'POST /webhooks/<tenant-slug>/<source>');
    if (source !== 'oneroster')
      return problem(404, 'unknown-source', 'Unknown webhook source', `no source ${source}`);
    const body = await request.text();
    if (body.length > MAX_BYTES)
      return problem(413, 'payload-too-large', 'Payload Too Large', `at most ${MAX_BYTES} bytes`);
    const headers = Object.fromEntries(request.headers);
    const deliveryId = headers['webhook-id'];
    if (!deliveryId || deliveryId.length > 200)
      return problem(
        401,
        'invalid-signature',
        'Invalid signature',
        'webhook-id, webhook-timestamp and webhook-signature are required',
      );
    const secrets = await ports.secretsFor(tenantSlug);
    const verified = secrets.some((secret) => {
      try {
        ports.verify(secret, body, headers);
        return true;
      } catch {
        return false;
      }
    });
    // An unknown tenant and a bad signature look the same from outside.
    if (!verified)
      return problem(401, 'invalid-signature', 'Invalid signature', 'the signature does not verify');

    let csv: string | null;
    const type = headers['content-type'] ?? '';
    if (type.startsWith('text/csv')) csv = body.includes('\u0000') ? null : body;
    else if (type.startsWith('application/json')) {
      try {
        csv = rosterJsonToCsv(JSON.parse(body));
      } catch {
        csv = null;
      }
    } else
      return problem(415, 'unsupported-media-type', 'Unsupported Media Type', 'text/csv or application/json');
    if (!csv) return problem(400, 'invalid-roster', 'Invalid roster', 'expected OneRoster enrollments');

    if (!(await ports.claimDelivery(tenantSlug, deliveryId)))
      return Response.json({ deliveryId, duplicate: true });
    let result: ApplyResult & { replayed?: boolean };
    try {
      result = await ports.applyRoster(tenantSlug, csv, deliveryId);
    } catch {
      await ports.releaseDelivery(tenantSlug, deliveryId);
      return problem(
        503,
        'course-unavailable',
        'Service Unavailable',
        'course-service did not answer; retry',
      );
    }
    if (result.status >= 500) {
      await ports.releaseDelivery(tenantSlug, deliveryId);
      return problem(503, 'course-unavailable', 'Service Unavailable', 'course-service failed; retry');
    }
    // 4xx from course-service (an invalid roster) is final: retrying the same body cannot help.
    return Response.json(
      { deliveryId, duplicate: result.replayed === true, status: result.status, result: result.body },
      {
        status: result.status < 300 ? 200 : 422,
      },
    );
  };
}
