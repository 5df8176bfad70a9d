// The HTTP edge of the edge functions that take JSON from browsers (log-events, analytics):
// problem+json answers in the services' shape, CORS for any origin the function allows, and a
// body reader that stops at a byte limit whatever Content-Length claims.

export const PROBLEM_BASE = 'https://eduspry.dev/problems/';

/** An answer to the caller about their request: status, problem code, title, detail, fields. */
export class Problem extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly extra: Record<string, unknown>;
  constructor(
    status: number,
    code: string,
    title: string,
    detail: string,
    extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.status = status;
    this.code = code;
    this.title = title;
    this.extra = extra;
  }
}

/** `json(status, body)` with the function's CORS headers, `problem(error)` as problem+json. */
export function responses(allowOrigin = '*') {
  const cors = {
    'access-control-allow-origin': allowOrigin,
    'access-control-allow-headers': 'authorization, content-type, x-client-info, apikey',
    'access-control-allow-methods': 'POST, OPTIONS',
  };
  const json = (status: number, body: unknown, type = 'application/json') =>
    new Response(JSON.stringify(body), { status, headers: { ...cors, 'content-type': type } });
  const problem = (error: Problem) =>
    json(
      error.status,
      {
        type: PROBLEM_BASE + error.code,
        title: error.title,
        status: error.status,
        detail: error.message,
        ...error.extra,
      },
      'application/problem+json',
    );
  const internal = () =>
    json(
      500,
      { type: `${PROBLEM_BASE}internal`, title: 'Internal Server Error', status: 500 },
      'application/problem+json',
    );
  return { cors, json, problem, internal };
}

const tooLarge = (maxBytes: number) =>
  new Problem(413, 'payload-too-large', 'Payload Too Large', `The body is larger than ${maxBytes} bytes`);

/** Reads at most `maxBytes` of the body, whatever Content-Length claims, then parses it. */
export async function readJson(request: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? ''))
    throw new Problem(415, 'unsupported-media-type', 'Unsupported Media Type', 'Send application/json');
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    // fatal: bytes that are not UTF-8 are the caller's 400, not U+FFFD quietly stored.
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new Problem(400, 'malformed-json', 'Invalid request', 'The body is not valid UTF-8 JSON', {
      field: 'body',
    });
  }
}
