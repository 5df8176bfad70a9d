import { requireUser, type ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import type { NotificationContext } from '../domain/context.ts';
import {
  changeEndpoint,
  createEndpoint,
  getDelivery,
  getEndpoint,
  listEndpointDeliveries,
  listTenantEndpoints,
  removeEndpoint,
  replay,
  rotateSecret,
} from '../domain/webhooks.ts';
import { Delivery, Endpoint, EventTypePattern, errors, security, Text, Uuid, WebhookUrl } from './schemas.ts';

const EndpointParams = Type.Object({ id: Uuid });
const DeliveryParams = Type.Object({
  id: Uuid,
  deliveryId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
});
const EventTypes = Type.Array(EventTypePattern, { minItems: 1, maxItems: 100 });

/** Outgoing webhook endpoints of the caller's tenant (tenant admins). */
export async function webhookRoutes(app: ServiceApp, { ctx }: { ctx: NotificationContext }): Promise<void> {
  app.post(
    '/webhooks/endpoints',
    {
      schema: {
        summary: 'Register an endpoint; the answer holds its signing secret',
        security,
        body: Type.Object(
          {
            url: WebhookUrl,
            description: Type.Optional(Text({ maxLength: 500 })),
            eventTypes: EventTypes,
            ordered: Type.Optional(Type.Boolean({ description: 'one at a time, in order, per aggregate' })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Intersect([Endpoint, Type.Object({ secret: Type.String() })]),
          ...errors(400, 401, 403, 422),
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createEndpoint(ctx, await requireUser(request), request.body)),
  );

  app.get(
    '/webhooks/endpoints',
    {
      schema: {
        summary: "The tenant's endpoints",
        security,
        response: { 200: Type.Object({ items: Type.Array(Endpoint) }), ...errors(401, 403) },
      },
    },
    async (request) => listTenantEndpoints(ctx, await requireUser(request)),
  );

  app.get(
    '/webhooks/endpoints/:id',
    {
      schema: {
        summary: 'One endpoint',
        security,
        params: EndpointParams,
        response: { 200: Endpoint, ...errors(401, 403, 404) },
      },
    },
    async (request) => getEndpoint(ctx, await requireUser(request), request.params.id),
  );

  app.patch(
    '/webhooks/endpoints/:id',
    {
      schema: {
        summary: 'Change an endpoint; `status: active` re-enables a disabled one',
        security,
        params: EndpointParams,
        body: Type.Object(
          {
            url: Type.Optional(WebhookUrl),
            description: Type.Optional(Text({ maxLength: 500 })),
            eventTypes: Type.Optional(EventTypes),
            ordered: Type.Optional(Type.Boolean()),
            status: Type.Optional(Type.Literal('active')),
          },
          { additionalProperties: false },
        ),
        response: { 200: Endpoint, ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (request) => changeEndpoint(ctx, await requireUser(request), request.params.id, request.body),
  );

  app.delete(
    '/webhooks/endpoints/:id',
    {
      schema: {
        summary: 'Delete an endpoint and its log',
        security,
        params: EndpointParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await removeEndpoint(ctx, await requireUser(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/webhooks/endpoints/:id/rotate-secret',
    {
      schema: {
        summary: 'A new signing secret; the old ones keep signing beside it for the overlap window',
        security,
        params: EndpointParams,
        body: Type.Optional(
          Type.Object(
            { overlapSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 24 * 3600 })) },
            { additionalProperties: false },
          ),
        ),
        response: {
          200: Type.Object({ secret: Type.String(), previousSecretsExpireAt: Type.String() }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) =>
      rotateSecret(ctx, await requireUser(request), request.params.id, request.body?.overlapSeconds),
  );

  app.get(
    '/webhooks/endpoints/:id/deliveries',
    {
      schema: {
        summary: "The endpoint's delivery log, newest first",
        security,
        params: EndpointParams,
        querystring: Type.Object({
          status: Type.Optional(
            Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          before: Type.Optional(Type.Integer({ minimum: 1 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(Delivery) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) =>
      listEndpointDeliveries(ctx, await requireUser(request), request.params.id, request.query),
  );

  app.get(
    '/webhooks/endpoints/:id/deliveries/:deliveryId',
    {
      schema: {
        summary: 'One delivery: its body and every attempt (status, latency, response excerpt)',
        security,
        params: DeliveryParams,
        response: {
          200: Type.Intersect([
            Delivery,
            Type.Object({
              payload: Type.Unknown(),
              log: Type.Array(
                Type.Object({
                  attemptedAt: Type.String(),
                  statusCode: Type.Union([Type.Integer(), Type.Null()]),
                  latencyMs: Type.Integer(),
                  responseExcerpt: Type.Union([Type.String(), Type.Null()]),
                  error: Type.Union([Type.String(), Type.Null()]),
                }),
              ),
            }),
          ]),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) =>
      getDelivery(ctx, await requireUser(request), request.params.id, request.params.deliveryId),
  );

  app.post(
    '/webhooks/endpoints/:id/deliveries/:deliveryId/replay',
    {
      schema: {
        summary: 'Send a delivery again (same webhook-id), with a new retry horizon',
        security,
        params: DeliveryParams,
        response: {
          202: Type.Object({ id: Type.Integer(), status: Type.Literal('pending') }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await replay(ctx, await requireUser(request), request.params.id, request.params.deliveryId)),
  );
}
