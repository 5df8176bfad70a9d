import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { Type } from 'typebox';
import { HttpProblem, PROBLEM_BASE, type ProblemDocument } from './problem.ts';

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
    return503OnClosing: true,
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
  return app;
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

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
