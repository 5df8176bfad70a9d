import { randomBytes } from 'node:crypto';
import { type Context, context, ROOT_CONTEXT } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** Header names follow the CloudEvents Kafka binding (`ce_*`) plus W3C trace context. */
export const HEADERS = {
  id: 'ce_id',
  type: 'ce_type',
  version: 'ce_dataversion',
  tenant: 'ce_tenantid',
  time: 'ce_time',
  source: 'ce_source',
  specVersion: 'ce_specversion',
  contentType: 'content-type',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

const propagator = new W3CTraceContextPropagator();
const setter = {
  set: (carrier: Record<string, string>, key: string, value: string) => (carrier[key] = value),
};
const getter = {
  get: (carrier: Record<string, string>, key: string) => carrier[key],
  keys: (carrier: Record<string, string>) => Object.keys(carrier),
};

/**
 * The W3C trace context of the active span, so the consumer continues the producer's trace.
 * With no active span (a script, a test) a new trace starts here, so every event still
 * carries one trace shared by all its consumers.
 */
export function currentTraceHeaders(active: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagator.inject(active, carrier, setter);
  if (carrier.traceparent) return carrier;
  return { traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01` };
}

/** The context a consumer's handler runs in: the producer's span as remote parent. */
export function contextFromHeaders(headers: Record<string, string>): Context {
  return propagator.extract(ROOT_CONTEXT, headers, getter);
}
