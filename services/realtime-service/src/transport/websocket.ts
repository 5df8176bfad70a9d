import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@eduspry/logging';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { Limits } from '../config.ts';
import { afterJoin, type ChannelDeps, closingFrames, joinChannel, refreshToken } from '../domain/channels.ts';
import type { Member, Peer } from '../domain/hub.ts';
import { RateWindow } from '../domain/rules.ts';
import { decodeBinary, decodeText, type Frame } from './frames.ts';
import { type OutFrame, replyFrame, type Vsn } from './out-frame.ts';

/** Where realtime-js connects: `${url}/websocket`, with url `…/realtime/v1` (Supabase) or `…/socket`. */
export const WEBSOCKET_PATHS = new Set(['/realtime/v1/websocket', '/socket/websocket', '/websocket']);

export interface WebSocketGateway {
  readonly sockets: number;
  close(): Promise<void>;
}

/**
 * The Phoenix channels transport on the service's own HTTP server: upgrades on the WebSocket
 * paths, one Connection per socket; every other upgrade is refused.
 */
export function attachWebSocket(
  server: Server,
  deps: ChannelDeps,
  limits: Limits,
  logger: Logger,
): WebSocketGateway {
  const log = logger.child({ component: 'websocket' });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageBytes,
    perMessageDeflate: false,
  });
  const connections = new Set<Connection>();
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (!WEBSOCKET_PATHS.has(url.pathname)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const vsn: Vsn = url.searchParams.get('vsn') === '1.0.0' ? '1.0.0' : '2.0.0';
      const connection = new Connection(
        ws,
        vsn,
        url.searchParams.get('apikey') ?? undefined,
        deps,
        limits,
        log,
      );
      connections.add(connection);
      ws.once('close', () => {
        connections.delete(connection);
        connection.dispose();
      });
    });
  };
  server.on('upgrade', onUpgrade);
  return {
    get sockets() {
      return connections.size;
    },
    async close() {
      server.off('upgrade', onUpgrade);
      for (const connection of connections) connection.terminate(1001, 'server shutting down');
      // Peers that do not answer the close handshake must not hold shutdown up.
      const force = setTimeout(() => {
        for (const ws of wss.clients) ws.terminate();
      }, 1000);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      clearTimeout(force);
    },
  };
}

class Connection implements Peer {
  readonly id = randomUUID();
  readonly #members = new Map<string, Member>();
  readonly #joining = new Set<string>();
  readonly #rate: RateWindow;
  #idle: NodeJS.Timeout;
  #closed = false;

  readonly ws: WebSocket;
  readonly vsn: Vsn;
  readonly apikey: string | undefined;
  readonly deps: ChannelDeps;
  readonly limits: Limits;
  readonly log: Logger;

  constructor(
    ws: WebSocket,
    vsn: Vsn,
    apikey: string | undefined,
    deps: ChannelDeps,
    limits: Limits,
    log: Logger,
  ) {
    this.ws = ws;
    this.vsn = vsn;
    this.apikey = apikey;
    this.deps = deps;
    this.limits = limits;
    this.log = log;
    this.#rate = new RateWindow(limits.maxMessagesPerSecond);
    this.#idle = this.#armIdle();
    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on('error', (error) => {
      // ws reports oversized frames (1009) and protocol violations here and closes the socket.
      this.log.info({ err: error }, 'websocket closed on error');
    });
  }

  send(frame: OutFrame): void {
    if (this.#closed || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(frame.text(this.vsn));
  }

  terminate(code: number, reason: string): void {
    if (this.#closed) return;
    this.ws.close(code, reason);
    this.dispose();
  }

  dispose(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#idle);
    for (const member of this.#members.values()) this.deps.hub.remove(member);
    this.#members.clear();
  }

  #armIdle(): NodeJS.Timeout {
    const timer = setTimeout(() => this.terminate(1000, 'idle: no heartbeat'), this.limits.idleTimeoutMs);
    timer.unref();
    return timer;
  }

  #onMessage(data: RawData, isBinary: boolean) {
    if (this.#closed) return;
    clearTimeout(this.#idle);
    this.#idle = this.#armIdle();
    const verdict = this.#rate.hit(Date.now());
    if (verdict === 'abuse') return this.terminate(1008, 'rate limit exceeded');
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    const decoded = isBinary ? decodeBinary(buffer) : decodeText(buffer.toString('utf8'));
    if (!decoded.ok) {
      // A frame we cannot even address a reply to: close with the reason (1007 = invalid data).
      if (decoded.ref === undefined || decoded.topic === undefined)
        return this.terminate(1007, decoded.reason);
      return this.send(
        replyFrame({ joinRef: null, ref: decoded.ref, topic: decoded.topic }, 'error', {
          reason: decoded.reason,
        }),
      );
    }
    const { frame } = decoded;
    if (verdict === 'over')
      return this.send(
        replyFrame(frame, 'error', { reason: 'rate limit exceeded: too many messages per second' }),
      );
    try {
      this.#dispatch(frame);
    } catch (error) {
      this.log.error({ err: error, topic: frame.topic, event: frame.event }, 'frame handling failed');
      this.send(replyFrame(frame, 'error', { reason: 'internal error' }));
    }
  }

  #dispatch(frame: Frame) {
    if (frame.topic === 'phoenix') {
      if (frame.event === 'heartbeat') return this.send(replyFrame(frame, 'ok', {}));
      return this.send(replyFrame(frame, 'error', { reason: `unknown event ${frame.event} on phoenix` }));
    }
    if (frame.event === 'phx_join') return void this.#join(frame);
    const member = this.#members.get(frame.topic);
    if (!member) return this.send(replyFrame(frame, 'error', { reason: 'unmatched topic' }));
    switch (frame.event) {
      case 'phx_leave':
        this.#leave(member);
        this.send(replyFrame(frame, 'ok', {}));
        return;
      case 'access_token':
        return void this.#refresh(member, frame);
      case 'broadcast':
        return this.#broadcast(member, frame);
      case 'presence':
        return this.#presence(member, frame);
      default:
        return this.send(
          replyFrame(frame, 'error', { reason: `unknown event ${frame.event.slice(0, 100)}` }),
        );
    }
  }

  async #join(frame: Frame) {
    if (this.#joining.has(frame.topic))
      return this.send(replyFrame(frame, 'error', { reason: 'join already in progress' }));
    const existing = this.#members.get(frame.topic);
    if (!existing && this.#members.size + this.#joining.size >= this.limits.maxChannelsPerSocket)
      return this.send(
        replyFrame(frame, 'error', {
          reason: `too many channels: at most ${this.limits.maxChannelsPerSocket} per connection`,
        }),
      );
    this.#joining.add(frame.topic);
    try {
      // A rejoin of the same topic replaces the old membership (Phoenix: duplicate join).
      if (existing) this.#leave(existing);
      const outcome = await joinChannel(this.deps, this, frame, this.apikey, (member) =>
        this.#expire(member),
      );
      if (this.#closed) {
        if (outcome.ok) this.deps.hub.remove(outcome.member);
        return;
      }
      if (!outcome.ok) return this.send(replyFrame(frame, 'error', { reason: outcome.reason }));
      this.#members.set(frame.topic, outcome.member);
      this.send(replyFrame(frame, 'ok', outcome.response));
      for (const next of afterJoin(this.deps, outcome.member)) this.send(next);
    } catch (error) {
      this.log.error({ err: error, topic: frame.topic }, 'join failed');
      this.send(replyFrame(frame, 'error', { reason: 'join failed: the server could not authorise it' }));
    } finally {
      this.#joining.delete(frame.topic);
    }
  }

  #leave(member: Member): void {
    this.deps.hub.remove(member);
    this.#members.delete(member.topic);
  }

  #expire(member: Member): void {
    if (this.#members.get(member.topic) !== member) return;
    this.#leave(member);
    for (const frame of closingFrames(member, 'Token has expired')) this.send(frame);
  }

  async #refresh(member: Member, frame: Frame) {
    const outcome = await refreshToken(this.deps, member, frame.payload.access_token, (m) => this.#expire(m));
    if (this.#members.get(member.topic) !== member) return;
    if (outcome.ok) return this.send(replyFrame(frame, 'ok', {}));
    this.#leave(member);
    for (const next of closingFrames(member, outcome.reason)) this.send(next);
  }

  #broadcast(member: Member, frame: Frame) {
    const { event, payload } = frame.payload;
    if (typeof event !== 'string' || event.length === 0 || event.length > 255)
      return this.send(
        replyFrame(frame, 'error', { reason: 'broadcast needs an event name of 1 to 255 characters' }),
      );
    if (!member.mayWrite)
      return this.send(
        replyFrame(frame, 'error', {
          reason: `Unauthorized: You do not have permissions to write to this Channel topic: ${member.sub}`,
        }),
      );
    this.deps.hub.broadcast(member.scope, event, payload ?? {}, member);
    if (member.ack) this.send(replyFrame(frame, 'ok', {}));
  }

  #presence(member: Member, frame: Frame) {
    const { event, payload } = frame.payload;
    if (event === 'untrack') {
      this.deps.hub.untrack(member);
      return this.send(replyFrame(frame, 'ok', {}));
    }
    if (!member.mayTrack)
      return this.send(
        replyFrame(frame, 'error', {
          reason: `Unauthorized: You do not have permissions to track presence on: ${member.sub}`,
        }),
      );
    if (event !== 'track' || typeof payload !== 'object' || payload === null || Array.isArray(payload))
      return this.send(
        replyFrame(frame, 'error', {
          reason: 'presence needs event track (with an object payload) or untrack',
        }),
      );
    if (!this.deps.hub.track(member, payload as Record<string, unknown>))
      return this.send(replyFrame(frame, 'error', { reason: 'presence limit of this channel reached' }));
    this.send(replyFrame(frame, 'ok', {}));
  }
}
