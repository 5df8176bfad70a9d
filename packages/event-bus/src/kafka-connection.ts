import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsOptions } from 'node:tls';

/** SASL mechanisms the managed Kafkas EduSpry deploys on use: MSK (SCRAM-SHA-512), Event Hubs and
 * OCI Streaming (PLAIN), Confluent and self-hosted brokers (either). */
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** How every Kafka client of the platform (producer, consumers, admin) reaches the brokers. */
export interface KafkaConnection {
  bootstrapBrokers: string[];
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  /** TLS to the brokers; `{}` trusts the system's CAs. */
  tls?: TlsOptions;
}

/**
 * The connection from the environment, or undefined when `KAFKA_BROKERS` is unset or empty (the
 * Postgres event log then). `KAFKA_SASL_MECHANISM` (plain, scram-sha-256, scram-sha-512; any case)
 * with `KAFKA_SASL_USERNAME` and `KAFKA_SASL_PASSWORD`; `KAFKA_TLS=true` for TLS, and
 * `KAFKA_TLS_CA_FILE` for a private CA (implies TLS). A half-given or unknown setting throws a
 * message that names the variable, so a service fails at start instead of at its first publish.
 */
export function kafkaConnection(env: NodeJS.ProcessEnv = process.env): KafkaConnection | undefined {
  const bootstrapBrokers = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  if (!bootstrapBrokers.length) return undefined;
  for (const broker of bootstrapBrokers)
    if (!/^[^\s:/]+:\d{1,5}$/.test(broker)) throw new Error(`KAFKA_BROKERS: "${broker}" is not host:port`);
  const connection: KafkaConnection = { bootstrapBrokers };

  const mechanism = env.KAFKA_SASL_MECHANISM?.trim().toUpperCase();
  const username = env.KAFKA_SASL_USERNAME ?? '';
  const password = env.KAFKA_SASL_PASSWORD ?? '';
  if (mechanism) {
    if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism))
      throw new Error(
        `KAFKA_SASL_MECHANISM: "${env.KAFKA_SASL_MECHANISM}" is not one of ${SASL_MECHANISMS.join(', ')}`,
      );
    if (!username || !password)
      throw new Error(
        `KAFKA_SASL_MECHANISM is ${mechanism}: set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD too`,
      );
    connection.sasl = { mechanism: mechanism as SaslMechanism, username, password };
  } else if (username || password) {
    throw new Error('KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD are set without KAFKA_SASL_MECHANISM');
  }

  const tls = env.KAFKA_TLS?.trim().toLowerCase();
  if (tls && !['true', 'false', '1', '0'].includes(tls))
    throw new Error(`KAFKA_TLS: "${env.KAFKA_TLS}" is not true or false`);
  const caFile = env.KAFKA_TLS_CA_FILE?.trim();
  if (caFile) {
    try {
      connection.tls = { ca: readFileSync(caFile) };
    } catch (error) {
      throw new Error(`KAFKA_TLS_CA_FILE: cannot read ${caFile} (${(error as Error).message})`);
    }
  } else if (tls === 'true' || tls === '1') {
    connection.tls = {};
  }
  return connection;
}

/** The options every @platformatic/kafka client takes for the connection. */
export function clientConnection(connection: KafkaConnection) {
  return {
    bootstrapBrokers: connection.bootstrapBrokers,
    ...(connection.sasl ? { sasl: connection.sasl } : {}),
    ...(connection.tls ? { tls: connection.tls } : {}),
  };
}
