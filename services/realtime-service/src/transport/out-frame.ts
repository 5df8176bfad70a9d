export type Vsn = '1.0.0' | '2.0.0';

/**
 * One outgoing message, encoded at most once per protocol version however many sockets it
 * goes to (a broadcast to 5,000 subscribers is serialised once, not 5,000 times).
 */
export class OutFrame {
  #v1: string | undefined;
  #v2: string | undefined;
  readonly joinRef: string | null;
  readonly ref: string | null;
  readonly topic: string;
  readonly event: string;
  readonly payload: unknown;
  constructor(joinRef: string | null, ref: string | null, topic: string, event: string, payload: unknown) {
    this.joinRef = joinRef;
    this.ref = ref;
    this.topic = topic;
    this.event = event;
    this.payload = payload;
  }

  text(vsn: Vsn): string {
    if (vsn === '1.0.0') {
      this.#v1 ??= JSON.stringify({
        join_ref: this.joinRef,
        ref: this.ref,
        topic: this.topic,
        event: this.event,
        payload: this.payload,
      });
      return this.#v1;
    }
    this.#v2 ??= JSON.stringify([this.joinRef, this.ref, this.topic, this.event, this.payload]);
    return this.#v2;
  }
}

export const replyFrame = (
  to: { joinRef: string | null; ref: string | null; topic: string },
  status: 'ok' | 'error',
  response: unknown,
) => new OutFrame(to.joinRef, to.ref, to.topic, 'phx_reply', { status, response });
