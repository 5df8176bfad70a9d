/**
 * Sessions that ended before their tokens expire (sign-out, revocation, deactivation, password
 * reset), as this process knows them: fed by `user.authentication.session_ended` events (see
 * `followEndedSessions` in @eduspry/event-bus) and consulted by every token verifier of the
 * process. The hot path of a valid token is one Map lookup; an entry is forgotten once no token
 * of its session can be valid anyway, so the set stays as small as the sign-outs of one token
 * lifetime.
 */
export interface EndedSessions {
  /** Whether tokens of this session must be refused. */
  has(sessionId: string): boolean;
  /** Refuse tokens of this session until `expiresAt` (ms since the epoch). */
  add(sessionId: string, expiresAt: number): void;
  /** Entries added since `since` (ms): what a process without an event bus mirrors. */
  addedSince(since: number): { sessionId: string; expiresAt: number; addedAt: number }[];
  readonly size: number;
}

export function createEndedSessions({ now = Date.now }: { now?: () => number } = {}): EndedSessions {
  const entries = new Map<string, { expiresAt: number; addedAt: number }>();
  let nextSweep = 0;
  const sweep = (at: number) => {
    if (at < nextSweep) return;
    nextSweep = at + 10_000;
    for (const [id, entry] of entries) if (entry.expiresAt <= at) entries.delete(id);
  };
  return {
    has(sessionId) {
      if (entries.size === 0) return false;
      const entry = entries.get(sessionId);
      if (!entry) return false;
      if (entry.expiresAt > now()) return true;
      entries.delete(sessionId);
      return false;
    },
    add(sessionId, expiresAt) {
      const at = now();
      sweep(at);
      if (expiresAt <= at) return;
      const known = entries.get(sessionId);
      if (!known || known.expiresAt < expiresAt) entries.set(sessionId, { expiresAt, addedAt: at });
    },
    addedSince(since) {
      const at = now();
      return [...entries]
        .filter(([, entry]) => entry.addedAt >= since && entry.expiresAt > at)
        .map(([sessionId, entry]) => ({ sessionId, ...entry }));
    },
    get size() {
      return entries.size;
    },
  };
}

/**
 * The process's own set: every verifier created without an explicit one consults it, so a
 * service gets revocation by starting the feed once, whatever verifiers its code creates.
 */
export const processEndedSessions: EndedSessions = createEndedSessions();
