/**
 * Phoenix channel frames as realtime-js sends them. vsn 2.0.0 (realtime-js' default): text frames
 * are JSON arrays `[join_ref, ref, topic, event, payload]`, and client broadcasts may come as
 * binary "user broadcast push" frames (kind 3). vsn 1.0.0: JSON objects. The server always
 * answers with JSON text frames, which both versions decode.
 */
export interface Frame {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: Record<string, unknown>;
}

export type Decoded =
  | { ok: true; frame: Frame }
  | { ok: false; reason: string; ref?: string | null; topic?: string };

const USER_BROADCAST_PUSH = 3;
const JSON_ENCODING = 1;

const isRef = (value: unknown): value is string | null =>
  value === null || value === undefined || typeof value === 'string';
const isPayload = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function decodeText(text: string): Decoded {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'frame is not JSON' };
  }
  let parts: unknown[];
  if (Array.isArray(parsed)) parts = parsed;
  else if (isPayload(parsed))
    parts = [parsed.join_ref, parsed.ref, parsed.topic, parsed.event, parsed.payload];
  else return { ok: false, reason: 'frame is not a Phoenix message' };
  const [joinRef, ref, topic, event, payload] = parts;
  const context = {
    ref: typeof ref === 'string' ? ref : null,
    ...(typeof topic === 'string' ? { topic } : {}),
  };
  if (
    parts.length !== 5 ||
    !isRef(joinRef) ||
    !isRef(ref) ||
    typeof topic !== 'string' ||
    typeof event !== 'string'
  )
    return { ok: false, reason: 'frame is not [join_ref, ref, topic, event, payload]', ...context };
  if (!isPayload(payload)) return { ok: false, reason: 'payload must be an object', ...context };
  return { ok: true, frame: { joinRef: joinRef ?? null, ref: ref ?? null, topic, event, payload } };
}

/** kind(1) join_ref_len ref_len topic_len event_len meta_len encoding, then those strings, then the payload. */
export function decodeBinary(buffer: Buffer): Decoded {
  if (buffer.length < 7 || buffer[0] !== USER_BROADCAST_PUSH)
    return { ok: false, reason: 'unknown binary frame' };
  const [joinRefLength, refLength, topicLength, eventLength, metaLength, encoding] = buffer.subarray(1, 7);
  let offset = 7;
  const take = (length: number) => {
    const value = buffer.subarray(offset, offset + length).toString('utf8');
    offset += length;
    return value;
  };
  if (7 + joinRefLength! + refLength! + topicLength! + eventLength! + metaLength! > buffer.length)
    return { ok: false, reason: 'binary frame is truncated' };
  const joinRef = take(joinRefLength!);
  const ref = take(refLength!);
  const topic = take(topicLength!);
  const userEvent = take(eventLength!);
  const metadata = take(metaLength!);
  const body = buffer.subarray(offset);
  let payload: unknown;
  let meta: Record<string, unknown> = {};
  try {
    payload = encoding === JSON_ENCODING ? JSON.parse(body.toString('utf8')) : body.toString('base64');
    if (metadata) meta = JSON.parse(metadata);
  } catch {
    return { ok: false, reason: 'binary frame payload is not JSON', ref, topic };
  }
  if (!isPayload(meta)) return { ok: false, reason: 'binary frame metadata is not an object', ref, topic };
  return {
    ok: true,
    frame: {
      joinRef: joinRef || null,
      ref: ref || null,
      topic,
      event: 'broadcast',
      payload: { ...meta, type: 'broadcast', event: userEvent, payload },
    },
  };
}
