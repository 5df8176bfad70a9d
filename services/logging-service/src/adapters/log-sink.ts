import type { LogRecord } from '../domain/log-records.ts';

/**
 * A place that also receives every stored batch (Postgres stays the store of record): sites
 * that run ELK plug in the Elasticsearch/OpenSearch bulk adapter here.
 */
export interface LogSink {
  name: string;
  write(records: LogRecord[]): Promise<void>;
}
