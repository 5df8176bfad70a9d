import { randomBytes, randomUUID } from 'node:crypto';
import { runWithLogContext } from '@eduspry/logging';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { Type } from 'typebox';
import {
  collectProcessMetrics,
  httpRequestDuration,
  httpRequestErrorsTotal,
  httpRequestsTotal,
  metricsRegistry,
} from './metrics.ts';
import { HttpProblem, PROBLEM_BASE, type ProblemDocument } from './problem.ts';
import { describeUnsafeText, findUnsafeText } from './text-guard.ts';

export type ServiceApp = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** A named dependency check for `/ready`: resolves when the dependency answers. */
export type ReadinessCheck = () => Promise<unknown>;

export interface ServiceAppOptions {
  name: string;
  version?: string;
  description?: string;
  /** Checked by `/ready`, each with a timeout; `/health` checks nothing but the process. */
  readiness?: Record<string, ReadinessCheck>;
  logger?: FastifyServerOptions['logger'] | FastifyBaseLogger;
  /** Largest accepted request body in bytes (default 1 MiB). */
  bodyLimit?: number;
}

const READINESS_TIMEOUT_MS = 2000;

const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
  },
  { additionalProperties: true, $id: 'Problem' },
);

/**
 * The Fastify app every EduSpry service starts from: TypeBox validation, problem+json
 * errors, request ids, `/health`, `/ready`, and OpenAPI at `/openapi.json` and `/docs`.
 */
export async function createServiceApp(options: ServiceAppOptions): Promise<ServiceApp> {
  const { name, version = '0.1.0', readiness = {}, bodyLimit = 1024 * 1024 } = options;
  const loggerOption =
    options.logger && typeof (options.logger as FastifyBaseLogger).child === 'function'
      ? { loggerInstance: options.logger as FastifyBaseLogger }
      : { logger: options.logger ?? false };
  const app = Fastify({
    ...loggerOption,
    bodyLimit,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // One line per request, written below with route, status and duration.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    return503OnClosing: true,
    // Errors the router and Node's HTTP parser answer before any hook runs: problem+json too.
    frameworkErrors: (error, _request, reply) => {
      const code = (error as { code?: string }).code;
      const problem =
        code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new HttpProblem(414, 'uri-too-long', 'URI Too Long', 'A path parameter is too long')
          : new HttpProblem(400, 'bad-request', 'Bad Request', 'The URL is not valid');
      (reply as import('fastify').FastifyReply)
        .status(problem.status)
        .type('application/problem+json')
        .send(problem.toDocument());
    },
    clientErrorHandler: answerClientError,
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as ServiceApp;

  // JSON only unless a route registers another parser (e.g. text/csv for bulk enrolment).
  app.removeContentTypeParser('text/plain');
  app.addSchema(Problem);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  observeRequests(app, name);
  // Before validation and any handler: text PostgreSQL cannot store never reaches a use case.
  app.addHook('preValidation', async (request) => {
    const unsafe =
      findUnsafeText(request.params, 'params') ??
      findUnsafeText(request.query, 'query') ??
      findUnsafeText(request.body, 'body');
    if (unsafe)
      throw new HttpProblem(400, 'validation', 'Invalid request', describeUnsafeText(unsafe), {
        field: unsafe.field,
        reason: unsafe.reason,
      });
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: name, version, description: options.description ?? `EduSpry ${name}` },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.setErrorHandler((error, request, reply) => {
    const document = toProblem(error, request.url);
    if (document.status >= 500) request.log.error({ err: error }, 'request failed');
    if (document.status === 429 && typeof document.retryAfter === 'number') {
      reply.header('retry-after', String(document.retryAfter));
    }
    return reply.status(document.status).type('application/problem+json').send(document);
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .type('application/problem+json')
      .send(
        new HttpProblem(
          404,
          'not-found',
          'Not Found',
          `No route ${request.method} ${request.url}`,
        ).toDocument(),
      ),
  );

  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok', service: name }));
  app.get('/ready', { schema: { hide: true } }, async (_request, reply) => {
    const results = await Promise.all(
      Object.entries(readiness).map(async ([dependency, check]) => {
        try {
          await withTimeout(check(), READINESS_TIMEOUT_MS, dependency);
          return [dependency, 'ok'] as const;
        } catch (error) {
          return [dependency, `failing: ${(error as Error).message}`] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ready = results.every(([, state]) => state === 'ok');
    return reply
      .status(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not-ready', service: name, checks });
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(metricsRegistry.contentType).send(await metricsRegistry.metrics()),
  );
  return app;
}

/**
 * Every request runs in a log context (request id, trace and span ids from the active
 * OpenTelemetry span, else from an incoming `traceparent`, else fresh), so lines logged while
 * serving it carry them; auth fills the tenant and user in the same context. Each answered
 * request is counted and timed by route template (never the raw URL, which would explode the
 * label set) and logged once.
 */
function observeRequests(app: ServiceApp, service: string): void {
  collectProcessMetrics();
  app.addHook('onRequest', (request, _reply, done) => {
    const span = trace.getActiveSpan()?.spanContext();
    const incoming = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(
      String(request.headers.traceparent ?? ''),
    );
    const ids =
      span && isSpanContextValid(span)
        ? { traceId: span.traceId, spanId: span.spanId }
        : {
            traceId: incoming?.[1] ?? randomBytes(16).toString('hex'),
            spanId: randomBytes(8).toString('hex'),
          };
    runWithLogContext({ ...ids, requestId: request.id }, done);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { service, method: request.method, route, status_code: String(reply.statusCode) };
    const seconds = reply.elapsedTime / 1000;
    httpRequestsTotal.inc(labels);
    httpRequestDuration.observe(labels, seconds);
    if (reply.statusCode >= 500) httpRequestErrorsTotal.inc(labels);
    if (!/^\/(health|ready|metrics)$/.test(route)) {
      request.log[reply.statusCode >= 500 ? 'error' : 'info'](
        {
          component: 'http',
          method: request.method,
          route,
          statusCode: reply.statusCode,
          metrics: { durationMs: Math.round(reply.elapsedTime * 100) / 100 },
        },
        `${request.method} ${route} ${reply.statusCode}`,
      );
    }
    done();
  });
}

function toProblem(error: unknown, instance: string): ProblemDocument {
  if (error instanceof HttpProblem) return error.toDocument(instance);
  const fastifyError = error as {
    validation?: unknown;
    validationContext?: string;
    statusCode?: number;
    code?: string;
    message?: string;
  };
  if (fastifyError.validation) {
    const [first] = fastifyError.validation as {
      instancePath?: string;
      message?: string;
      params?: Record<string, unknown>;
    }[];
    const field = fieldName(fastifyError.validationContext, first);
    return {
      type: `${PROBLEM_BASE}validation`,
      title: 'Invalid request',
      status: 400,
      detail: `${field} ${first?.message ?? 'is invalid'}`,
      field,
      instance,
    };
  }
  const status = fastifyError.statusCode ?? 500;
  if (status < 500) {
    return {
      type: PROBLEM_BASE + (fastifyError.code ?? 'bad-request').toLowerCase().replaceAll('_', '-'),
      title: status === 413 ? 'Payload Too Large' : status === 415 ? 'Unsupported Media Type' : 'Bad Request',
      status,
      detail: fastifyError.message ?? 'Bad request',
      instance,
    };
  }
  return { type: `${PROBLEM_BASE}internal`, title: 'Internal Server Error', status: 500, instance };
}

function fieldName(
  context: string | undefined,
  first: { instancePath?: string; params?: Record<string, unknown> } | undefined,
): string {
  const path = (first?.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  const missing = first?.params?.missingProperty ?? first?.params?.additionalProperty;
  const leaf = [path, typeof missing === 'string' ? missing : ''].filter(Boolean).join('.');
  return [context ?? 'body', leaf].filter(Boolean).join('.');
}

const CLIENT_ERRORS: Record<string, [number, string, string, string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'headers-too-large',
    'Request Header Fields Too Large',
    'The request line or headers are too large',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [
    408,
    'request-timeout',
    'Request Timeout',
    'The request took too long to arrive',
  ],
};

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (headers too large, a
 * malformed request line, a client too slow): answered as problem+json, then the socket closes.
 */
function answerClientError(error: Error & { code?: string }, socket: import('node:stream').Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, title, detail] = CLIENT_ERRORS[error.code ?? ''] ?? [
    400,
    'bad-request',
    'Bad Request',
    'The request could not be parsed',
  ];
  const body = JSON.stringify({ type: PROBLEM_BASE + code, title, status, detail });
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/problem+json\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(error);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
