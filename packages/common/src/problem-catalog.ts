import { Type } from 'typebox';
import { HttpProblem, PROBLEM_BASE } from './problem.ts';

/** One problem a service can answer: its HTTP status and human title. The key is its code. */
export interface ProblemSpec {
  status: number;
  title: string;
}

/**
 * Codes the kit itself answers for every service (validation, auth, limits, not found,
 * internal). Each service catalog includes them, so its README documents them too.
 */
export const KIT_PROBLEMS = {
  'bad-request': { status: 400, title: 'Bad Request' },
  validation: { status: 400, title: 'Invalid request' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  'not-found': { status: 404, title: 'Not Found' },
  conflict: { status: 409, title: 'Conflict' },
  'request-timeout': { status: 408, title: 'Request Timeout' },
  'payload-too-large': { status: 413, title: 'Payload Too Large' },
  'uri-too-long': { status: 414, title: 'URI Too Long' },
  'unsupported-media-type': { status: 415, title: 'Unsupported Media Type' },
  'rate-limited': { status: 429, title: 'Too Many Requests' },
  'headers-too-large': { status: 431, title: 'Request Header Fields Too Large' },
  internal: { status: 500, title: 'Internal Server Error' },
  'auth-unavailable': { status: 503, title: 'Service Unavailable' },
} as const satisfies Record<string, ProblemSpec>;

export type ProblemCatalog<C extends Record<string, ProblemSpec>> = {
  /** Every code this service answers, the kit's included: what its README must list. */
  readonly specs: Readonly<C & typeof KIT_PROBLEMS>;
  /** The problem to throw: `throw problems.create('module-locked', detail, { reason })`. */
  create(
    code: keyof (C & typeof KIT_PROBLEMS) & string,
    detail?: string,
    extensions?: Record<string, unknown>,
  ): HttpProblem;
  /** The `type` URI a client (or the gateway) matches: `problems.type('module-locked')`. */
  type(code: keyof (C & typeof KIT_PROBLEMS) & string): string;
  /** Whether a problem document or error carries this code. */
  is(value: unknown, code: keyof (C & typeof KIT_PROBLEMS) & string): boolean;
};

/**
 * A service's problem catalog, declared once in its `src/problems.ts` (the Fastify
 * `lib/errors.js` and Supabase Storage `codes.ts` pattern): codes are thrown by name, matched
 * by importing the catalog, and a test keeps the catalog and the service README in step.
 */
export function defineProblems<const C extends Record<string, ProblemSpec>>(specs: C): ProblemCatalog<C> {
  const all = { ...KIT_PROBLEMS, ...specs } as C & typeof KIT_PROBLEMS;
  const specOf = (code: string): ProblemSpec => {
    const spec = (all as Record<string, ProblemSpec>)[code];
    if (!spec) throw new Error(`problem code ${code} is not in the catalog`);
    return spec;
  };
  return {
    specs: all,
    create(code, detail, extensions) {
      const spec = specOf(code);
      return new HttpProblem(spec.status, code, spec.title, detail, extensions);
    },
    type(code) {
      specOf(code);
      return PROBLEM_BASE + code;
    },
    is(value, code) {
      if (value instanceof HttpProblem) return value.code === code;
      const type = (value as { type?: unknown } | null)?.type;
      return typeof type === 'string' && type === PROBLEM_BASE + code;
    },
  };
}

const ProblemRef = Type.Ref('Problem');

/** Route schema error responses: `response: { 200: Course, ...errors(400, 401, 404) }`. */
export const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, ProblemRef])) as Record<number, typeof ProblemRef>;
