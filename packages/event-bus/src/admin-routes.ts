import { errors, HttpProblem, requireUser, type ServiceApp } from '@eduspry/common';
import type { FastifyRequest } from 'fastify';
import client, { type Registry } from 'prom-client';
import { type Static, Type } from 'typebox';
import { DeadLetterReplayRefused } from './dead-letters.ts';
import { eventBusMetrics } from './metrics.ts';
import type { EventBus } from './types.ts';

/**
 * The problems the bus admin routes answer, beyond the kit's: every service that mounts
 * `busAdminRoutes` spreads these into its catalog (`defineProblems({ ...BUS_ADMIN_PROBLEMS, … })`)
 * and lists them in its README.
 */
export const BUS_ADMIN_PROBLEMS = {
  'dead-letter-not-found': { status: 404, title: 'Dead letter not found' },
  'dead-letter-replayed': { status: 409, title: 'The dead letter was already replayed' },
  'dead-letter-not-subscribed': {
    status: 409,
    title: "The dead letter's consumer group is not subscribed in this process",
  },
  'dead-letter-failed': { status: 422, title: 'The handler failed again on replay' },
} as const;

type BusAdminProblem = keyof typeof BUS_ADMIN_PROBLEMS;
const problem = (code: BusAdminProblem, detail: string) =>
  new HttpProblem(BUS_ADMIN_PROBLEMS[code].status, code, BUS_ADMIN_PROBLEMS[code].title, detail);

const REFUSALS: Record<DeadLetterReplayRefused['reason'], BusAdminProblem> = {
  'not-found': 'dead-letter-not-found',
  'already-replayed': 'dead-letter-replayed',
  'not-subscribed': 'dead-letter-not-subscribed',
  undecodable: 'dead-letter-failed',
};

/** Dead letters listed per report: the oldest first, as many as an operator can act on. */
const DEAD_LETTER_LIMIT = 100;
/** A handler's stack can be long; the report carries its start. */
const ERROR_CHARS = 2000;

export const DeadLetterSummary = Type.Object({
  id: Type.Integer(),
  consumerGroup: Type.String(),
  topic: Type.String(),
  eventId: Type.String(),
  eventType: Type.String(),
  tenantId: Type.String(),
  error: Type.String(),
  attempts: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  lastFailedAt: Type.String({ format: 'date-time' }),
});

export const BusReport = Type.Object(
  {
    service: Type.String(),
    kind: Type.Union([Type.Literal('kafka'), Type.Literal('postgres')]),
    groups: Type.Array(
      Type.Object({
        group: Type.String(),
        topics: Type.Array(Type.String()),
        /** Events per topic the group has not finished with, when the bus has told (null: not yet). */
        lag: Type.Array(Type.Object({ topic: Type.String(), lag: Type.Union([Type.Number(), Type.Null()]) })),
        deadLetters: Type.Integer(),
      }),
    ),
    deadLetters: Type.Array(DeadLetterSummary),
    /** More unreplayed dead letters exist than are listed. */
    more: Type.Boolean(),
  },
  { $id: 'BusReport' },
);
export type BusReport = Static<typeof BusReport>;

export interface BusAdminOptions {
  /** The service's bus (created before its app, so the routes are in its OpenAPI document). */
  bus: EventBus;
  /** The service's schema: where its consumers' dead letters live. */
  schema: string;
  service: string;
  /** Where the bus's lag gauge is (the default registry unless the bus was given another). */
  registry?: Registry;
}

/** Only the platform's super admin, by the role in the signed token (RLS is not involved: no tenant data). */
async function requireSuperAdmin(request: FastifyRequest): Promise<void> {
  await requireUser(request, { anyOf: ['super_admin'] });
}

/** What the bus of this process can tell: its kind, its groups with their lag, unreplayed dead letters. */
export async function busReport(options: BusAdminOptions): Promise<BusReport> {
  const { bus } = options;
  const letters = await bus.listDeadLetters({ schema: options.schema, limit: DEAD_LETTER_LIMIT + 1 });
  const more = letters.length > DEAD_LETTER_LIMIT;
  const listed = letters.slice(0, DEAD_LETTER_LIMIT);
  const gauge = await eventBusMetrics(options.registry ?? client.register).lag.get();
  const lagOf = (group: string, topic: string) =>
    gauge.values.find((value) => value.labels.group === group && value.labels.topic === topic)?.value ?? null;
  const groups = new Map(
    bus
      .groups()
      .filter((group) => group.schema === options.schema)
      .map((group) => [group.group, group.topics]),
  );
  // A group that parked letters but is not subscribed here is still shown: its letters need a home.
  for (const letter of listed) if (!groups.has(letter.consumerGroup)) groups.set(letter.consumerGroup, []);
  return {
    service: options.service,
    kind: bus.kind,
    groups: [...groups].map(([group, topics]) => ({
      group,
      topics,
      lag: topics.map((topic) => ({ topic, lag: lagOf(group, topic) })),
      deadLetters: listed.filter((letter) => letter.consumerGroup === group).length,
    })),
    deadLetters: listed.map((letter) => ({
      id: letter.id,
      consumerGroup: letter.consumerGroup,
      topic: letter.topic,
      eventId: letter.eventId,
      eventType: letter.eventType,
      tenantId: letter.tenantId,
      error: letter.error.slice(0, ERROR_CHARS),
      attempts: letter.attempts,
      createdAt: letter.createdAt.toISOString(),
      lastFailedAt: letter.lastFailedAt.toISOString(),
    })),
    more,
  };
}

/** Runs a dead letter's handler again; each refusal and a second failure answer as a problem. */
export async function replayDeadLetterAsAdmin(options: BusAdminOptions, id: number): Promise<void> {
  try {
    await options.bus.replayDeadLetter({ schema: options.schema, id });
  } catch (error) {
    if (error instanceof DeadLetterReplayRefused) throw problem(REFUSALS[error.reason], error.message);
    if (error instanceof HttpProblem) throw error;
    throw problem('dead-letter-failed', (error as Error).message?.slice(0, ERROR_CHARS) ?? String(error));
  }
}

/**
 * `GET /admin/bus` and `POST /admin/bus/dead-letters/{id}/replay`, for the super admin only,
 * the same in every service with a bus. Register where the app's token verifier applies
 * (`useTokenVerifier`). The gateway passes them through as `/api/<service>/admin/bus…`.
 */
export async function busAdminRoutes(app: ServiceApp, options: BusAdminOptions): Promise<void> {
  app.addSchema(BusReport);
  app.get(
    '/admin/bus',
    {
      schema: {
        tags: ['admin'],
        summary: "This service's event bus: kind, consumer groups and their lag, dead letters",
        security: [{ bearerAuth: [] }],
        response: { 200: Type.Ref('BusReport'), ...errors(401, 403) },
      },
    },
    async (request) => {
      await requireSuperAdmin(request);
      return busReport(options);
    },
  );
  app.post(
    '/admin/bus/dead-letters/:id/replay',
    {
      schema: {
        tags: ['admin'],
        summary: "Runs a dead letter's consumer handler again",
        security: [{ bearerAuth: [] }],
        // A string pattern, not an integer: coercion would turn `1e400` into Infinity.
        params: Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,14}$' }) }),
        response: {
          200: Type.Object({ id: Type.Integer(), replayed: Type.Literal(true) }),
          ...errors(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (request) => {
      await requireSuperAdmin(request);
      const id = Number(request.params.id);
      await replayDeadLetterAsAdmin(options, id);
      return { id, replayed: true as const };
    },
  );
}
