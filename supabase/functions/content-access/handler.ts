/**
 * content-access: given the caller's token and a file id (or a course item), answers a short-lived
 * signed URL a video player or download manager can fetch without the token. Portable: a plain
 * `(Request) => Promise<Response>` over two ports, so it runs on Supabase Edge, on a self-hosted
 * Deno, or anywhere with the Fetch API. The decision is never made here: the content port asks
 * content-service, which asks course-service's CheckAccess (enrolled, published, unlocked).
 */

export interface Claims {
  sub: string;
  app_metadata: { tenant_id: string; roles: string[] };
  [claim: string]: unknown;
}

export interface SignedFile {
  fileId: string;
  version: number;
  url: string;
  expiresAt: string;
  name?: string;
  mediaType?: string;
}

/** What the content port answers when it refuses: content-service's problem, passed through. */
// Fields declared, not parameter properties: Node's type stripping (the pact test imports this) refuses those.
export class UpstreamProblem extends Error {
  readonly status: number;
  readonly document: Record<string, unknown>;
  constructor(status: number, document: Record<string, unknown>) {
    super(String(document.detail ?? document.title ?? `upstream answered ${status}`));
    this.status = status;
    this.document = document;
  }
}

export interface ContentAccessPorts {
  /** Verifies a bearer token (signature, expiry, issuer); throws if invalid. */
  verifyToken(token: string): Promise<Claims>;
  /** A signed URL for one file, decided as the caller; throws UpstreamProblem when refused. */
  signFile(request: { fileId: string; download: boolean }, caller: { token: string }): Promise<SignedFile>;
  /** Signed URLs for the files of one course item the caller may open. */
  signItemFiles(
    request: { courseId: string; itemId: string; download: boolean },
    caller: { token: string },
  ): Promise<SignedFile[]>;
}

export interface ContentAccessOptions {
  allowOrigin?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PROBLEM_BASE = 'https://eduspry.dev/problems/';
const MAX_BODY = 4096;

export function createContentAccessHandler(ports: ContentAccessPorts, options: ContentAccessOptions = {}) {
  const cors = {
    'access-control-allow-origin': options.allowOrigin ?? '*',
    'access-control-allow-headers': 'authorization, content-type, apikey, x-client-info',
    'access-control-allow-methods': 'POST, OPTIONS',
  };
  const problem = (
    status: number,
    code: string,
    title: string,
    detail: string,
    extra: Record<string, unknown> = {},
  ) =>
    new Response(JSON.stringify({ type: PROBLEM_BASE + code, title, status, detail, ...extra }), {
      status,
      headers: { ...cors, 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
    });

  return async function contentAccess(request: Request): Promise<Response> {
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
    if (request.method !== 'POST')
      return problem(
        405,
        'method-not-allowed',
        'Method Not Allowed',
        'POST a JSON body { fileId } or { courseId, itemId }',
      );
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
    if (!token) return problem(401, 'unauthorized', 'Unauthorized', 'Send the access token');
    try {
      await ports.verifyToken(token);
    } catch {
      return problem(401, 'unauthorized', 'Unauthorized', 'The access token is not valid');
    }
    if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? ''))
      return problem(415, 'unsupported-media-type', 'Unsupported Media Type', 'Send application/json');
    const text = await request.text();
    if (text.length > MAX_BODY)
      return problem(413, 'payload-too-large', 'Payload Too Large', `At most ${MAX_BODY} bytes`);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text);
    } catch {
      return problem(400, 'bad-request', 'Bad Request', 'The body is not JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return problem(400, 'validation', 'Invalid request', 'The body must be an object');
    const download = body.download === true;
    const isId = (field: string) => typeof body[field] === 'string' && UUID.test(body[field] as string);
    try {
      if (body.fileId !== undefined) {
        if (!isId('fileId'))
          return problem(400, 'validation', 'Invalid request', 'fileId must be a uuid', { field: 'fileId' });
        const signed = await ports.signFile(
          { fileId: (body.fileId as string).toLowerCase(), download },
          { token },
        );
        return Response.json(signed, { headers: { ...cors, 'cache-control': 'no-store' } });
      }
      for (const field of ['courseId', 'itemId'])
        if (!isId(field))
          return problem(
            400,
            'validation',
            'Invalid request',
            `Send fileId, or courseId and itemId (uuids)`,
            { field },
          );
      const files = await ports.signItemFiles(
        {
          courseId: (body.courseId as string).toLowerCase(),
          itemId: (body.itemId as string).toLowerCase(),
          download,
        },
        { token },
      );
      return Response.json({ files }, { headers: { ...cors, 'cache-control': 'no-store' } });
    } catch (error) {
      if (error instanceof UpstreamProblem)
        return new Response(JSON.stringify(error.document), {
          status: error.status,
          headers: { ...cors, 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
        });
      return problem(502, 'upstream-unavailable', 'Bad Gateway', 'content-service did not answer');
    }
  };
}
