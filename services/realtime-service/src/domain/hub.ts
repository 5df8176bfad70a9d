import { randomBytes } from 'node:crypto';
import type { TenantClaims } from '@eduspry/common';
import type { ClusterBus, Envelope } from '../cluster/bus.ts';
import { OutFrame, type Vsn } from '../transport/out-frame.ts';
import type { ChangeEvent, ChangeFilter } from './rules.ts';

/** A connected socket as the hub sees it. */
export interface Peer {
  readonly id: string;
  readonly vsn: Vsn;
  send(frame: OutFrame): void;
}

export interface ChangeBinding {
  id: number;
  event: ChangeEvent;
  schema: string;
  table?: string;
  filter?: string;
  parsed: ChangeFilter | null;
}

/** One socket's membership of one channel. */
export interface Member {
  peer: Peer;
  /** `realtime:<sub>` as the client named it. */
  topic: string;
  sub: string;
  scope: string;
  joinRef: string | null;
  claims: TenantClaims;
  isPrivate: boolean;
  mayWrite: boolean;
  /** May track presence here (the tenant's presence privacy, see live.may_share_presence). */
  mayTrack: boolean;
  self: boolean;
  ack: boolean;
  presenceEnabled: boolean;
  presenceKey: string;
  /** The phx_ref of this member's tracked presence, if it tracks one. */
  presenceRef?: string;
  changes: ChangeBinding[];
  expiry?: NodeJS.Timeout;
}

interface PresenceEntry {
  meta: Record<string, unknown>;
  node: string;
}

type PresenceMap = Map<string, Map<string, PresenceEntry>>; // key → phx_ref → entry
type Metas = { metas: Record<string, unknown>[] };

const PRESENCE_BATCH_MS = 30;

const NODE_SILENCE_MS = 15_000;

const newRef = () => randomBytes(9).toString('base64url');

/**
 * Channels and presence of this instance, kept in step with the other instances through the
 * cluster bus: local sockets get messages at once, the others get them from their own hub.
 */
export class Hub {
  readonly #channels = new Map<string, Set<Member>>();
  readonly #presence = new Map<string, PresenceMap>();
  readonly #nodesSeen = new Map<string, number>();
  readonly #pendingDiffs = new Map<string, { joins: Record<string, Metas>; leaves: Record<string, Metas> }>();
  #diffTimer: NodeJS.Timeout | undefined;
  readonly #timer: NodeJS.Timeout;

  readonly bus: ClusterBus;
  readonly maxPresencesPerChannel: number;

  constructor(bus: ClusterBus, maxPresencesPerChannel: number) {
    this.bus = bus;
    this.maxPresencesPerChannel = maxPresencesPerChannel;
    bus.onMessage((message) => this.#apply(message));
    bus.publish({ t: 'presence-request' });
    this.#timer = setInterval(() => {
      bus.publish({ t: 'alive' });
      this.#forgetSilentNodes(Date.now());
    }, 5000);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#diffTimer);
  }

  get memberCount(): number {
    let count = 0;
    for (const members of this.#channels.values()) count += members.size;
    return count;
  }

  members(): Iterable<Member> {
    const all = this.#channels.values();
    return (function* () {
      for (const set of all) yield* set;
    })();
  }

  add(member: Member): void {
    let members = this.#channels.get(member.scope);
    if (!members) {
      members = new Set();
      this.#channels.set(member.scope, members);
    }
    members.add(member);
  }

  /** Removes a member, untracking its presence (others see it leave). */
  remove(member: Member): void {
    clearTimeout(member.expiry);
    this.untrack(member);
    const members = this.#channels.get(member.scope);
    members?.delete(member);
    if (members?.size === 0) this.#channels.delete(member.scope);
  }

  /** A broadcast from a member or a service: local subscribers now, other instances via the bus. */
  broadcast(scope: string, event: string, payload: unknown, from?: Member): number {
    this.bus.publish({ t: 'broadcast', scope, event, payload });
    return this.#deliverBroadcast(scope, event, payload, from);
  }

  #deliverBroadcast(scope: string, event: string, payload: unknown, from?: Member): number {
    const members = this.#channels.get(scope);
    if (!members) return 0;
    let frame: OutFrame | undefined;
    let delivered = 0;
    for (const member of members) {
      if (member === from && !member.self) continue;
      frame ??= new OutFrame(null, null, member.topic, 'broadcast', { type: 'broadcast', event, payload });
      member.peer.send(frame);
      delivered += 1;
    }
    return delivered;
  }

  /** The channel's presence as Phoenix' presence_state: `{ key: { metas: [...] } }`. */
  presenceState(scope: string): Record<string, { metas: Record<string, unknown>[] }> {
    const state: Record<string, { metas: Record<string, unknown>[] }> = {};
    for (const [key, refs] of this.#presence.get(scope) ?? []) {
      state[key] = { metas: [...refs.values()].map((entry) => entry.meta) };
    }
    return state;
  }

  /** Tracks (or replaces) the member's presence; false when the channel is full. */
  track(member: Member, payload: Record<string, unknown>): boolean {
    const map = this.#presenceOf(member.scope);
    const previous = member.presenceRef;
    if (!previous && this.#presenceCount(map) >= this.maxPresencesPerChannel) return false;
    const ref = newRef();
    const meta = { ...payload, phx_ref: ref, ...(previous ? { phx_ref_prev: previous } : {}) };
    const leaves = previous ? this.#dropEntry(map, member.presenceKey, previous) : undefined;
    member.presenceRef = ref;
    this.#putEntry(map, member.presenceKey, ref, { meta, node: this.bus.node });
    this.#sendDiff(
      member.scope,
      { [member.presenceKey]: { metas: [meta] } },
      leaves ? { [member.presenceKey]: { metas: [leaves] } } : {},
    );
    if (previous)
      this.bus.publish({ t: 'presence-leave', scope: member.scope, key: member.presenceKey, ref: previous });
    this.bus.publish({ t: 'presence-join', scope: member.scope, key: member.presenceKey, meta });
    return true;
  }

  untrack(member: Member): void {
    const ref = member.presenceRef;
    if (!ref) return;
    member.presenceRef = undefined;
    const map = this.#presence.get(member.scope);
    const left = map && this.#dropEntry(map, member.presenceKey, ref);
    if (left) this.#sendDiff(member.scope, {}, { [member.presenceKey]: { metas: [left] } });
    this.bus.publish({ t: 'presence-leave', scope: member.scope, key: member.presenceKey, ref });
  }

  #presenceOf(scope: string): PresenceMap {
    let map = this.#presence.get(scope);
    if (!map) {
      map = new Map();
      this.#presence.set(scope, map);
    }
    return map;
  }

  #presenceCount(map: PresenceMap): number {
    let count = 0;
    for (const refs of map.values()) count += refs.size;
    return count;
  }

  #putEntry(map: PresenceMap, key: string, ref: string, entry: PresenceEntry): void {
    let refs = map.get(key);
    if (!refs) {
      refs = new Map();
      map.set(key, refs);
    }
    refs.set(ref, entry);
  }

  #dropEntry(map: PresenceMap, key: string, ref: string): Record<string, unknown> | undefined {
    const refs = map.get(key);
    const entry = refs?.get(ref);
    if (!entry) return undefined;
    refs!.delete(ref);
    if (refs!.size === 0) map.delete(key);
    return entry.meta;
  }

  /**
   * Diffs of one channel are merged for PRESENCE_BATCH_MS and sent as one presence_diff (Phoenix'
   * tracker batches too): 1,000 joins within a second are a few dozen frames per socket, not 1,000.
   */
  #sendDiff(scope: string, joins: Record<string, Metas>, leaves: Record<string, Metas>): void {
    let pending = this.#pendingDiffs.get(scope);
    if (!pending) {
      pending = { joins: {}, leaves: {} };
      this.#pendingDiffs.set(scope, pending);
    }
    for (const [side, diff] of [
      [pending.joins, joins],
      [pending.leaves, leaves],
    ] as const) {
      for (const [key, { metas }] of Object.entries(diff)) {
        const entry = side[key] ?? { metas: [] };
        entry.metas.push(...metas);
        side[key] = entry;
      }
    }
    this.#diffTimer ??= setTimeout(() => this.#flushDiffs(), PRESENCE_BATCH_MS);
  }

  #flushDiffs(): void {
    this.#diffTimer = undefined;
    const diffs = [...this.#pendingDiffs];
    this.#pendingDiffs.clear();
    for (const [scope, diff] of diffs) {
      const members = this.#channels.get(scope);
      if (!members) continue;
      let frame: OutFrame | undefined;
      for (const member of members) {
        if (!member.presenceEnabled && !member.presenceRef) continue;
        frame ??= new OutFrame(null, null, member.topic, 'presence_diff', diff);
        member.peer.send(frame);
      }
    }
  }

  #apply(message: Envelope): void {
    this.#nodesSeen.set(message.node, Date.now());
    switch (message.t) {
      case 'broadcast':
        this.#deliverBroadcast(message.scope, message.event, message.payload);
        return;
      case 'presence-join': {
        const map = this.#presenceOf(message.scope);
        this.#putEntry(map, message.key, String(message.meta.phx_ref), {
          meta: message.meta,
          node: message.node,
        });
        this.#sendDiff(message.scope, { [message.key]: { metas: [message.meta] } }, {});
        return;
      }
      case 'presence-leave': {
        const map = this.#presence.get(message.scope);
        const left = map && this.#dropEntry(map, message.key, message.ref);
        if (left) this.#sendDiff(message.scope, {}, { [message.key]: { metas: [left] } });
        return;
      }
      case 'presence-request': {
        const entries: { scope: string; key: string; meta: Record<string, unknown> }[] = [];
        for (const [scope, map] of this.#presence)
          for (const [key, refs] of map)
            for (const entry of refs.values())
              if (entry.node === this.bus.node) entries.push({ scope, key, meta: entry.meta });
        if (entries.length) this.bus.publish({ t: 'presence-snapshot', to: message.node, entries });
        return;
      }
      case 'presence-snapshot': {
        if (message.to !== this.bus.node) return;
        for (const { scope, key, meta } of message.entries) {
          this.#putEntry(this.#presenceOf(scope), key, String(meta.phx_ref), { meta, node: message.node });
          this.#sendDiff(scope, { [key]: { metas: [meta] } }, {});
        }
        return;
      }
      case 'alive':
        return;
    }
  }

  /** An instance that stopped talking (crashed, partitioned) takes its presences with it. */
  #forgetSilentNodes(now: number): void {
    for (const [node, seen] of this.#nodesSeen) {
      if (now - seen < NODE_SILENCE_MS) continue;
      this.#nodesSeen.delete(node);
      for (const [scope, map] of this.#presence)
        for (const [key, refs] of map)
          for (const [ref, entry] of refs)
            if (entry.node === node) {
              this.#dropEntry(map, key, ref);
              this.#sendDiff(scope, {}, { [key]: { metas: [entry.meta] } });
            }
    }
  }
}
