import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isPublicAddress, type Resolver, SafeHttpClient, UnsafeUrlError } from '../src/webhooks/outbound.ts';
import { type Receiver, startReceiver } from './helpers.ts';

/**
 * DNS here is offline, so names are resolved by an injected resolver (a test double for DNS only):
 * `evil.example.com` plays a public-looking name whose A record is 127.0.0.1.
 */
const fakeDns: Resolver = async (hostname) => {
  const table: Record<string, { address: string; family: 4 | 6 }[]> = {
    'evil.example.com': [{ address: '127.0.0.1', family: 4 }],
    'mixed.example.com': [
      { address: '93.184.216.34', family: 4 },
      { address: '10.1.2.3', family: 4 },
    ],
    'v6.example.com': [{ address: 'fd00:ec2::254', family: 6 }],
    'public.example.com': [{ address: '93.184.216.34', family: 4 }],
  };
  const answer = table[hostname];
  if (answer) return answer;
  if (hostname === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
  throw new Error('ENOTFOUND');
};

describe('SSRF-safe outbound HTTP', () => {
  let receiver: Receiver;
  let other: Receiver;
  let client: SafeHttpClient;
  before(async () => {
    receiver = await startReceiver();
    other = await startReceiver();
    // The development allowance is explicit: this one receiver's address and port, nothing else.
    client = new SafeHttpClient({
      allowPrivate: [`127.0.0.1:${receiver.port}`],
      resolver: fakeDns,
      timeoutMs: 500,
      maxResponseBytes: 64 * 1024,
    });
  });
  after(async () => {
    await client.close();
    await receiver.close();
    await other.close();
  });

  const refused = [
    'http://127.0.0.1/',
    'http://localhost/',
    'http://[::1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://192.168.1.1/',
    'http://172.16.0.1/',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://[::]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[fe80::1]/',
    'http://[fd00:ec2::254]/',
    'http://[64:ff9b::7f00:1]/',
    'http://2130706433/', // decimal 127.0.0.1
    'http://0177.0.0.1/', // octal
    'http://0x7f.1/', // hex, short form
    'http://017700000001/', // octal, one number
    'http://127.1/',
    'http://evil.example.com/', // public-looking, resolves to loopback
    'http://mixed.example.com/', // one public and one private answer
    'http://v6.example.com/', // resolves to the IPv6 metadata address
    'ftp://example.com/',
    'http://user:pass@public.example.com/',
    'not a url',
  ];
  for (const url of refused)
    test(`refuses ${url}`, async () => {
      await assert.rejects(() => client.send(url, { body: '{}' }), UnsafeUrlError);
    });

  test('refuses loopback on a port that was not allowed', async () => {
    await assert.rejects(
      () => client.send(`http://127.0.0.1:${other.port}/`, { body: '{}' }),
      UnsafeUrlError,
    );
  });

  test('without an allowance, even the test receiver is refused (off by default)', async () => {
    const strict = new SafeHttpClient({ resolver: fakeDns });
    await assert.rejects(() => strict.send(`${receiver.url}/`, { body: '{}' }), UnsafeUrlError);
    await strict.close();
  });

  test('the address checks themselves', () => {
    assert.equal(isPublicAddress('93.184.216.34'), true);
    assert.equal(isPublicAddress('2606:2800:220:1:248:1893:25c8:1946'), true);
    for (const address of [
      '127.0.0.1',
      '::1',
      '::ffff:10.0.0.1',
      '169.254.169.254',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
    ])
      assert.equal(isPublicAddress(address), false, address);
  });

  test('the explicitly allowed receiver is reached, and nothing else was', async () => {
    const response = await client.send(`${receiver.url}/hook`, {
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(response.status, 200);
    assert.equal(receiver.requests.at(-1)?.body, '{"a":1}');
    assert.equal(other.requests.length, 0, 'no refused URL got a request through');
  });

  test('the connection is pinned to the checked address, whatever the name', async () => {
    const pinned = new SafeHttpClient({
      allowPrivate: [`127.0.0.1:${receiver.port}`],
      resolver: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    try {
      const response = await pinned.send(`http://made-up.invalid:${receiver.port}/pinned`, { body: 'x' });
      assert.equal(response.status, 200);
      assert.equal(receiver.requests.at(-1)?.headers.host, `made-up.invalid:${receiver.port}`);
    } finally {
      await pinned.close();
    }
  });

  test('redirects are followed only to addresses that pass the same check', async () => {
    for (const target of [
      `http://127.0.0.1:${other.port}/`,
      'http://169.254.169.254/',
      'http://localhost/',
      'http://[::ffff:127.0.0.1]/',
      'http://evil.example.com/',
    ]) {
      receiver.respond = (_request, response) => {
        response.writeHead(307, { location: target }).end();
      };
      await assert.rejects(
        () => client.send(`${receiver.url}/redirect`, { body: '{}' }),
        UnsafeUrlError,
        target,
      );
    }
    receiver.respond = (request, response) => {
      if (request.url === '/start') response.writeHead(308, { location: '/end' }).end();
      else response.writeHead(204).end();
    };
    const followed = await client.send(`${receiver.url}/start`, { body: '{}' });
    assert.equal(followed.status, 204);
    assert.equal(other.requests.length, 0);
  });

  test('a receiver that never answers times out', async () => {
    receiver.respond = () => {};
    const started = Date.now();
    await assert.rejects(() => client.send(`${receiver.url}/hang`, { body: '{}' }));
    assert.ok(Date.now() - started < 2000);
  });

  test('a 10 MB answer is read only up to the cap', async () => {
    receiver.respond = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 120);
      let sent = 0;
      const write = () => {
        while (sent < 10 * 1024 * 1024) {
          sent += chunk.length;
          if (!response.write(chunk)) return response.once('drain', write);
        }
        response.end();
      };
      write();
    };
    const response = await client.send(`${receiver.url}/huge`, { body: '{}' });
    assert.equal(response.status, 200);
    assert.equal(response.body.length, 64 * 1024);
    assert.equal(response.truncated, true);
  });
});
