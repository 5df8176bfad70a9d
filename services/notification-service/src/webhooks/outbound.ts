import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, request } from 'undici';

/**
 * SSRF-safe outbound HTTP for URLs that tenants choose (webhook endpoints). Before any byte is
 * sent: the host is resolved, every address it resolves to must be public unicast (no loopback,
 * private, link-local/metadata, unspecified, CGNAT, multicast, reserved, NAT64/6to4/Teredo, and
 * IPv4-mapped IPv6 is judged as the IPv4 it maps), and the connection is pinned to the checked
 * address, so a DNS answer that changes between check and connect cannot redirect it. Redirects are
 * followed only after the same check on their target. Every request has a deadline and reads at
 * most `maxResponseBytes` of the answer. Decimal, octal and hex IPv4 forms need no special case:
 * the WHATWG URL parser turns `http://2130706433/` and `http://0177.0.0.1/` into `127.0.0.1`.
 */
export class UnsafeUrlError extends Error {
  override name = 'UnsafeUrlError';
  readonly url: string;
  readonly reason: string;
  constructor(url: string, reason: string) {
    super(`refused ${url}: ${reason}`);
    this.url = url;
    this.reason = reason;
  }
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (tests inject names resolving where they want). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => ({
    address: entry.address,
    family: entry.family === 6 ? 6 : 4,
  }));

export interface OutboundOptions {
  /**
   * Development only: `address` or `address:port` entries (IPv6 as `[::1]:port`) that may be
   * reached although they are not public. Empty by default; tests name their receiver explicitly.
   */
  allowPrivate?: readonly string[];
  timeoutMs?: number;
  maxResponseBytes?: number;
  maxRedirects?: number;
  resolver?: Resolver;
  /** Keep-alive connections per origin and address (default 16). */
  connections?: number;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** At most maxResponseBytes of the body, as received. */
  body: Buffer;
  /** Whether the body was longer than what was read. */
  truncated: boolean;
  /** The URL that finally answered (after redirects). */
  url: string;
}

export interface OutboundRequest {
  method?: 'POST' | 'GET';
  headers?: Record<string, string>;
  body?: string | Buffer;
  signal?: AbortSignal;
}

/** Whether an address is one outbound requests may reach without a development allowance. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address); // ::ffff:a.b.c.d → a.b.c.d
  return parsed.range() === 'unicast';
}

function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

function normalise(address: string): string {
  return ipaddr.process(address).toString();
}

function formatHostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export class SafeHttpClient {
  readonly #allow: Set<string>;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #maxRedirects: number;
  readonly #resolver: Resolver;
  readonly #connections: number;
  /** One pinned agent per (origin, address): keep-alive works and no agent ever re-resolves. */
  readonly #agents = new Map<string, Agent>();

  constructor(options: OutboundOptions = {}) {
    this.#allow = new Set(
      (options.allowPrivate ?? [])
        .map((entry) => entry.trim())
        .filter(Boolean)
        .map((entry) => {
          const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(entry);
          if (!match || !ipaddr.isValid(match[1]!))
            throw new Error(`allowPrivate: ${entry} is not an address`);
          const address = normalise(match[1]!);
          return match[2] ? formatHostPort(address, Number(match[2])) : address;
        }),
    );
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
    this.#maxRedirects = options.maxRedirects ?? 3;
    this.#resolver = options.resolver ?? systemResolver;
    this.#connections = options.connections ?? 16;
  }

  #allowed(address: string, port: number): boolean {
    if (isPublicAddress(address)) return true;
    const normal = normalise(address);
    return this.#allow.has(normal) || this.#allow.has(formatHostPort(normal, port));
  }

  /** Parses and checks a URL, resolving its host; throws UnsafeUrlError with the reason. */
  async check(raw: string): Promise<{ url: URL; address: ResolvedAddress }> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new UnsafeUrlError(raw, 'not a URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UnsafeUrlError(raw, `scheme ${url.protocol} is not http(s)`);
    if (url.username || url.password) throw new UnsafeUrlError(raw, 'credentials in URLs are refused');
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const host = bareHost(url.hostname);
    let addresses: ResolvedAddress[];
    if (ipaddr.isValid(host)) {
      addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
    } else {
      try {
        addresses = await this.#resolver(host);
      } catch (error) {
        throw new UnsafeUrlError(raw, `host ${host} does not resolve (${(error as Error).message})`);
      }
      if (!addresses.length) throw new UnsafeUrlError(raw, `host ${host} does not resolve`);
    }
    // Every address must pass: a name with one public and one loopback answer is refused.
    const refused = addresses.find((entry) => !this.#allowed(entry.address, port));
    if (refused)
      throw new UnsafeUrlError(
        raw,
        `${host} resolves to ${normalise(refused.address)}, which is not a public address`,
      );
    return { url, address: addresses[0]! };
  }

  #agentFor(url: URL, address: ResolvedAddress): Agent {
    const key = `${url.origin}|${address.address}`;
    let agent = this.#agents.get(key);
    if (!agent) {
      const pinned: LookupFunction = (_hostname, options, callback) => {
        const cb = callback as (...args: unknown[]) => void;
        if ((options as { all?: boolean }).all)
          cb(null, [{ address: address.address, family: address.family }]);
        else cb(null, address.address, address.family);
      };
      agent = new Agent({
        connect: { lookup: pinned, timeout: this.#timeoutMs },
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
        keepAliveTimeout: 10_000,
        connections: this.#connections,
      });
      if (this.#agents.size > 1000) {
        const [oldest] = this.#agents.keys();
        const old = this.#agents.get(oldest!);
        this.#agents.delete(oldest!);
        void old?.close();
      }
      this.#agents.set(key, agent);
    }
    return agent;
  }

  /** One request (following checked redirects): resolves with the answer or rejects (UnsafeUrlError, timeouts, …). */
  async send(raw: string, init: OutboundRequest = {}): Promise<OutboundResponse> {
    const deadline = AbortSignal.timeout(this.#timeoutMs);
    const signal = init.signal ? AbortSignal.any([deadline, init.signal]) : deadline;
    let current = raw;
    for (let hop = 0; ; hop++) {
      const { url, address } = await this.check(current);
      const response = await request(url, {
        method: init.method ?? 'POST',
        headers: init.headers ?? {},
        ...(init.body === undefined ? {} : { body: init.body }),
        dispatcher: this.#agentFor(url, address),
        signal,
      });
      // Bodies are cut short on purpose (redirects, the size cap): that abort is not an error.
      response.body.on('error', () => {});
      const location = response.headers.location;
      if (response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string') {
        await response.body.dump({ limit: 64 * 1024 }).catch(() => {});
        if (hop >= this.#maxRedirects) throw new UnsafeUrlError(current, 'too many redirects');
        current = new URL(location, url).toString();
        continue;
      }
      const { body, truncated } = await readCapped(response.body, this.#maxResponseBytes);
      return { status: response.statusCode, headers: response.headers, body, truncated, url: url.toString() };
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#agents.values()].map((agent) => agent.close()));
    this.#agents.clear();
  }
}

async function readCapped(
  stream: AsyncIterable<Buffer> & { destroy(): void },
  max: number,
): Promise<{ body: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    if (size + chunk.length > max) {
      chunks.push(chunk.subarray(0, max - size));
      stream.destroy();
      return { body: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { body: Buffer.concat(chunks), truncated: false };
}
