/**
 * The one schema of a tracking batch (analytics-api.md, `POST /track`): the edge function
 * validates against it before anything is forwarded, and its `Static` type is what the ports see.
 * TypeBox, as in the services, so the same document can serve as JSON Schema anywhere.
 *
 * Identity is never part of it: `tenantId`/`userId` (anywhere in the body) are refused by the
 * handler with `forged-identity` before this schema runs; tenant and user come from the token.
 */
import { type Static, Type } from 'typebox';

export const TRACK_EVENT_TYPES = [
  'page_view',
  'item_opened',
  'video_played',
  'video_paused',
  'video_seeked',
  'heartbeat',
] as const;

export const MAX_EVENTS = 500;
/** Longest heartbeat interval a client may claim (active seconds since the previous one). */
export const MAX_HEARTBEAT_SECONDS = 300;
export const MAX_PATH = 2048;

export const TrackEvent = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    type: Type.Union(TRACK_EVENT_TYPES.map((type) => Type.Literal(type))),
    at: Type.String({ format: 'date-time', maxLength: 40 }),
    courseId: Type.Optional(Type.String({ format: 'uuid' })),
    itemId: Type.Optional(Type.String({ format: 'uuid' })),
    path: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_PATH })),
    positionSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 7 * 86_400 })),
    seconds: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_HEARTBEAT_SECONDS })),
  },
  { additionalProperties: false },
);
export type TrackEvent = Static<typeof TrackEvent>;

export const TrackBody = Type.Object(
  { events: Type.Array(TrackEvent, { minItems: 1 }) },
  { additionalProperties: false },
);
export type TrackBody = Static<typeof TrackBody>;
