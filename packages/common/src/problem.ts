/**
 * RFC 9457 problem details. Every error a client sees has a stable `type` it can switch on,
 * a human `title`, the HTTP `status`, and optionally `detail` and extension members.
 */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export const PROBLEM_BASE = 'https://eduspry.dev/problems/';

export class HttpProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly extensions: Record<string, unknown>;

  constructor(
    status: number,
    code: string,
    title: string,
    detail?: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
    this.status = status;
    this.code = code;
    this.title = title;
    this.extensions = extensions;
  }

  toDocument(instance?: string): ProblemDocument {
    return {
      type: PROBLEM_BASE + this.code,
      title: this.title,
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...this.extensions,
    };
  }
}

export const badRequest = (detail: string, extensions?: Record<string, unknown>) =>
  new HttpProblem(400, 'bad-request', 'Bad Request', detail, extensions);
export const unauthorized = (detail = 'A valid bearer token is required') =>
  new HttpProblem(401, 'unauthorized', 'Unauthorized', detail);
export const forbidden = (detail = 'You may not do this') =>
  new HttpProblem(403, 'forbidden', 'Forbidden', detail);
export const notFound = (detail = 'Not found') => new HttpProblem(404, 'not-found', 'Not Found', detail);
export const conflict = (detail: string) => new HttpProblem(409, 'conflict', 'Conflict', detail);
export const tooManyRequests = (detail: string, retryAfterSeconds: number) =>
  new HttpProblem(429, 'rate-limited', 'Too Many Requests', detail, { retryAfter: retryAfterSeconds });
