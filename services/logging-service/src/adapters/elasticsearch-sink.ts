import type { LogRecord } from '../domain/log-records.ts';
import type { LogSink } from './log-sink.ts';

export interface ElasticsearchSinkOptions {
  /** Base URL of the cluster, e.g. https://es.internal:9200 (Elasticsearch or OpenSearch). */
  url: string;
  /** Daily indices `<prefix>-YYYY.MM.DD`, the layout Kibana/OpenSearch Dashboards expect. */
  indexPrefix?: string;
  /** `ApiKey …` or `Basic …`; sent as the Authorization header. */
  authorization?: string;
  timeoutMs?: number;
}

/**
 * Writes batches with the `_bulk` API, which Elasticsearch and OpenSearch share. Plain fetch
 * on purpose: the official Elasticsearch client refuses to talk to OpenSearch, and one NDJSON
 * POST is all this needs. A bulk response with `errors: true` fails the batch.
 */
export function createElasticsearchSink({
  url,
  indexPrefix = 'eduspry-logs',
  authorization,
  timeoutMs = 10_000,
}: ElasticsearchSinkOptions): LogSink {
  const endpoint = new URL('_bulk', url.endsWith('/') ? url : `${url}/`);
  return {
    name: 'elasticsearch',
    async write(records) {
      if (records.length === 0) return;
      const body = `${records.map((record) => bulkPair(record, indexPrefix)).join('\n')}\n`;
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-ndjson',
          ...(authorization ? { authorization } : {}),
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) throw new Error(`bulk request answered ${response.status}`);
      const result = (await response.json()) as {
        errors?: boolean;
        items?: { create?: { error?: { reason?: string } } }[];
      };
      if (result.errors) {
        const reason = result.items?.find((item) => item.create?.error)?.create?.error?.reason;
        throw new Error(`bulk request rejected some lines: ${reason ?? 'unknown reason'}`);
      }
    },
  };
}

function bulkPair(record: LogRecord, prefix: string): string {
  const day = record.ts.toISOString().slice(0, 10).replaceAll('-', '.');
  const document = {
    '@timestamp': record.ts.toISOString(),
    level: record.level,
    service: record.service,
    component: record.component,
    traceId: record.traceId,
    spanId: record.spanId,
    tenantId: record.tenantId,
    tenantName: record.tenantName,
    userId: record.userId,
    sessionId: record.sessionId,
    message: record.message,
    context: record.context,
    tags: record.tags,
    metrics: record.metrics,
    environment: record.environment,
  };
  return `${JSON.stringify({ create: { _index: `${prefix}-${day}` } })}\n${JSON.stringify(document)}`;
}
