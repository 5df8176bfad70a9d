// How the bus reaches a managed Kafka: SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) and TLS from the
// environment. The settings are checked without a broker; the mechanisms against the SASL
// listener `infrastructure/kafka/kafka.sh start` opens beside the plain one (its credentials are
// made at each start and exported as KAFKA_SASL_TEST_*).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { adminDb, createTestTenant } from '@eduspry/common/testing';
import type { EventEnvelope } from '@eduspry/contracts';
import { kafkaConnection, SASL_MECHANISMS } from '@eduspry/event-bus';
import { KafkaBus } from '@eduspry/event-bus/kafka';
import {
  BUS_SCHEMA,
  busTestDb,
  createBusTestSchema,
  numberedEvent,
  uniqueTopic,
  waitFor,
} from './helpers.ts';

test('reads brokers, SASL and TLS from the environment, and names the variable it refuses', () => {
  assert.equal(kafkaConnection({}), undefined, 'no brokers: the Postgres event log');
  assert.equal(kafkaConnection({ KAFKA_BROKERS: ' , ' }), undefined);
  assert.deepEqual(kafkaConnection({ KAFKA_BROKERS: 'a:9092, b:9093' }), {
    bootstrapBrokers: ['a:9092', 'b:9093'],
  });
  assert.deepEqual(
    kafkaConnection({
      KAFKA_BROKERS: 'msk:9096',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'eduspry',
      KAFKA_SASL_PASSWORD: 'pw',
      KAFKA_TLS: 'true',
    }),
    {
      bootstrapBrokers: ['msk:9096'],
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'eduspry', password: 'pw' },
      tls: {},
    },
  );
  const refused: [NodeJS.ProcessEnv, RegExp][] = [
    [{ KAFKA_BROKERS: 'http://broker:9092' }, /KAFKA_BROKERS: "http:\/\/broker:9092" is not host:port/],
    [
      { KAFKA_BROKERS: 'b:1', KAFKA_SASL_MECHANISM: 'GSSAPI' },
      /KAFKA_SASL_MECHANISM: "GSSAPI" is not one of/,
    ],
    [
      { KAFKA_BROKERS: 'b:1', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' },
      /KAFKA_SASL_PASSWORD/,
    ],
    [{ KAFKA_BROKERS: 'b:1', KAFKA_SASL_PASSWORD: 'p' }, /without KAFKA_SASL_MECHANISM/],
    [{ KAFKA_BROKERS: 'b:1', KAFKA_TLS: 'yes please' }, /KAFKA_TLS: "yes please" is not true or false/],
    [{ KAFKA_BROKERS: 'b:1', KAFKA_TLS_CA_FILE: '/nonexistent/ca.pem' }, /KAFKA_TLS_CA_FILE: cannot read/],
  ];
  for (const [env, message] of refused) assert.throws(() => kafkaConnection(env), message);
});

const brokers = process.env.KAFKA_SASL_TEST_BROKERS;
const username = process.env.KAFKA_SASL_TEST_USERNAME;
const password = process.env.KAFKA_SASL_TEST_PASSWORD;
describe('the bus over SASL', {
  skip:
    !(brokers && username && password) && 'KAFKA_SASL_TEST_* not set (infrastructure/kafka/kafka.sh start)',
}, () => {
  const admin = adminDb();
  const sql = busTestDb(2);
  before(() => createBusTestSchema(admin));
  after(() => Promise.all([admin.end(), sql.end()]));
  const busWith = (mechanism: string, secret: string) =>
    new KafkaBus(sql, {
      service: 'notification-service',
      connection: kafkaConnection({
        KAFKA_BROKERS: brokers,
        KAFKA_SASL_MECHANISM: mechanism,
        KAFKA_SASL_USERNAME: username,
        KAFKA_SASL_PASSWORD: secret,
      })!,
    });

  for (const mechanism of SASL_MECHANISMS) {
    test(`publishes and consumes with ${mechanism}`, async () => {
      const tenant = await createTestTenant(admin);
      const topic = uniqueTopic();
      const bus = busWith(mechanism, password!);
      const seen: EventEnvelope[] = [];
      const subscription = await bus.subscribe({
        group: `sasl-${randomUUID()}`,
        topics: [topic],
        schema: BUS_SCHEMA,
        handler: async (event) => {
          seen.push(event);
        },
      });
      try {
        const event = numberedEvent(tenant.id, randomUUID(), 1);
        await bus.publish([{ topic, key: event.data.userId, event, headers: {} }]);
        await waitFor(`the event over ${mechanism}`, async () => seen.length === 1);
        assert.equal(seen[0]?.eventId, event.eventId);
      } finally {
        await subscription.stop();
        await bus.close();
      }
    });
  }

  test('a wrong password is refused by the broker, not retried forever', async () => {
    const bus = busWith('SCRAM-SHA-512', `${password}-wrong`);
    try {
      await assert.rejects(bus.ensureTopics([uniqueTopic()]), (error: Error) => {
        assert.match(JSON.stringify(error, Object.getOwnPropertyNames(error)), /authentic|SASL/i);
        return true;
      });
    } finally {
      await bus.close();
    }
  });
});
