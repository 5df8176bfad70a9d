import { type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type postgres from 'postgres';
import { dbQueryDuration } from './metrics.ts';

const tracer = trace.getTracer('@eduspry/common/db');

type AnySql = postgres.Sql | postgres.TransactionSql | postgres.ReservedSql;

/**
 * Wraps a postgres.js client so every query it (and every transaction it begins) runs gets a
 * client span (`db.query.text` is the statement with $n placeholders, never the values) and a
 * `db_query_duration_seconds` observation. postgres.js has no query hooks and the OpenTelemetry
 * contrib instrumentations cover `pg` only, hence this small proxy. Queries are lazy in
 * postgres.js, so timing starts when a query is awaited, not when it is built (fragments never are).
 */
export function instrumentSql<T extends AnySql>(sql: T, service: string): T {
  return new Proxy(sql, {
    apply(target, thisArg, args: unknown[]) {
      const query = Reflect.apply(target as unknown as (...a: unknown[]) => unknown, thisArg, args);
      const strings = args[0];
      if (!Array.isArray(strings) || !('raw' in strings)) return query; // sql(identifiers) helpers
      return observe(
        query,
        (strings as readonly string[]).reduce((text, part, i) => `${text}$${i}${part}`),
        service,
      );
    },
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === 'unsafe' && typeof value === 'function')
        return (text: string, ...rest: unknown[]) =>
          observe(value.call(target, text, ...rest), text, service);
      if (property === 'reserve' && typeof value === 'function')
        return async () => instrumentSql(await value.call(target), service);
      if ((property === 'begin' || property === 'savepoint') && typeof value === 'function')
        return (...args: unknown[]) => {
          const work = args.at(-1) as (tx: AnySql) => unknown;
          const wrapped = [...args.slice(0, -1), (tx: AnySql) => work(instrumentSql(tx, service))];
          return value.apply(target, wrapped);
        };
      return value;
    },
  });
}

function observe(query: unknown, text: string, service: string): unknown {
  const pending = query as { then?: PromiseLike<unknown>['then'] };
  if (!pending || typeof pending.then !== 'function') return query;
  const originalThen = pending.then.bind(pending);
  let settled: Promise<unknown> | undefined;
  const operation = /^\s*(\w+)/.exec(text.replace(/^\$\d+/, ''))?.[1]?.toLowerCase() ?? 'unknown';
  // biome-ignore lint/suspicious/noThenProperty: timing a lazy query means intercepting its await
  (pending as { then: unknown }).then = (
    onFulfilled?: (v: unknown) => unknown,
    onRejected?: (e: unknown) => unknown,
  ) => {
    settled ??= timed(originalThen, text, operation, service);
    return settled.then(onFulfilled, onRejected);
  };
  return query;
}

function timed(
  run: PromiseLike<unknown>['then'],
  text: string,
  operation: string,
  service: string,
): Promise<unknown> {
  const started = performance.now();
  return tracer.startActiveSpan(
    `postgres ${operation}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'postgresql',
        'db.operation.name': operation,
        'db.query.text': text.slice(0, 2000),
      },
    },
    (span: Span) =>
      new Promise((resolve, reject) => {
        run(
          (value) => {
            finish(span, started, operation, service, 'ok');
            resolve(value);
          },
          (error: unknown) => {
            span.recordException(error as Error);
            span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
            finish(span, started, operation, service, 'error');
            reject(error);
          },
        );
      }),
  );
}

function finish(span: Span, started: number, operation: string, service: string, outcome: string) {
  dbQueryDuration.observe({ service, operation, outcome }, (performance.now() - started) / 1000);
  span.end();
}
