import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { register } from 'import-in-the-middle/register-hooks.mjs';

export interface Telemetry {
  service: string;
  /** Whether spans leave the process (OTEL_EXPORTER_OTLP_ENDPOINT was set). */
  exporting: boolean;
  /** Flushes spans still buffered; call on shutdown. */
  shutdown(): Promise<void>;
}

let started: Telemetry | undefined;

/**
 * Tracing for one service process: W3C trace context in and out, spans for inbound and
 * outbound HTTP (node:http, fetch/undici), gRPC, and (through createDb) Postgres queries.
 * Spans are always created, so log lines carry trace ids; they are exported over OTLP
 * (http/protobuf, which Jaeger and every collector accept; or http/json) only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set. `extraProcessors` lets tests observe spans in memory.
 */
export function startTelemetry(
  service: string,
  {
    env = process.env,
    extraProcessors = [],
  }: { env?: NodeJS.ProcessEnv; extraProcessors?: SpanProcessor[] } = {},
): Telemetry {
  if (started) return started;
  // Lets the gRPC instrumentation patch @grpc/grpc-js when ES modules import it (fastify and
  // node:http are patched through require). In-thread hooks for that one package only: Node's
  // off-thread loader (`module.register`) would cost every service a second V8 isolate (~20 MB
  // resident) and a message round trip per module it loads.
  register({ include: ['@grpc/grpc-js'] });
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const spanProcessors: SpanProcessor[] = [...extraProcessors];
  // The exporter reads OTEL_EXPORTER_OTLP_* (endpoint, headers, timeout) itself; the protocol is
  // http/protobuf (the OTLP default) unless OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL says http/json.
  const protocol =
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf';
  if (endpoint) {
    // Loaded only when spans leave the process: a service without a collector does not carry
    // the exporters and their OTLP encoders (~3 MB resident).
    const { OTLPTraceExporter } = createRequire(import.meta.url)(
      protocol === 'http/json'
        ? '@opentelemetry/exporter-trace-otlp-http'
        : '@opentelemetry/exporter-trace-otlp-proto',
    ) as typeof import('@opentelemetry/exporter-trace-otlp-proto');
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME || service,
      [ATTR_SERVICE_VERSION]: env.npm_package_version ?? '0.1.0',
      'deployment.environment.name': env.NODE_ENV ?? 'development',
    }),
    spanProcessors,
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes every few seconds would drown the traces that matter.
        ignoreIncomingRequestHook: (request) => /^\/(health|ready|metrics)\b/.test(request.url ?? ''),
      }),
      new UndiciInstrumentation(),
      new GrpcInstrumentation(),
    ],
  });
  started = {
    service,
    exporting: Boolean(endpoint),
    shutdown: () => provider.shutdown(),
  };
  return started;
}

/** The telemetry this process started, if any (runService flushes it on shutdown). */
export function activeTelemetry(): Telemetry | undefined {
  return started;
}

/** `services/<name>/src/main.ts` → `<name>`: the service a process runs, from its entry file. */
export function serviceNameFromEntry(entry = process.argv[1] ?? ''): string {
  const serviceDir = dirname(dirname(entry));
  return basename(serviceDir) || 'eduspry';
}
