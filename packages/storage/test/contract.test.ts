import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import S3rver from 's3rver';
import {
  createStorageProvider,
  ObjectNotFound,
  objectKey,
  type StorageProvider,
  UnsafeObjectKey,
} from '../src/index.ts';
import { startSupabaseStorageStandIn } from './supabase-stand-in.ts';

const BUCKET = 'course-files';

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A stream that hands out `data` in small chunks, as a socket would. */
const chunked = (data: Buffer, size = 64 * 1024) =>
  Readable.from(
    (function* () {
      for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
    })(),
  );

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const newKey = (tenantId = randomUUID(), version = 1) =>
  objectKey({ tenantId, courseId: randomUUID(), fileId: randomUUID(), version });

const HOSTILE_KEYS = [
  '../../etc/passwd',
  '/etc/passwd',
  `${randomUUID()}/../../x`,
  `${randomUUID()}/${randomUUID()}/${randomUUID()}/v1\0.txt`,
  'a'.repeat(4096),
  `${randomUUID()}/${randomUUID()}/${randomUUID()}/v1/../../../../escape`,
  '',
];

interface Fixture {
  provider: StorageProvider;
  /** What lies on disk under the storage root (local only), to prove nothing escaped it. */
  root?: string;
  /** s3rver checks a presigned URL's expiry but not its SigV4 signature ("unimplemented" in its source). */
  verifiesSignatures?: false;
  close(): Promise<void>;
}

const fixtures: Record<'local' | 's3' | 'supabase', () => Promise<Fixture>> = {
  async local() {
    const root = await mkdtemp(join(tmpdir(), 'eduspry-storage-local-'));
    return {
      provider: await createStorageProvider({ STORAGE_PROVIDER: 'local', STORAGE_LOCAL_ROOT: root }),
      root,
      close: () => rm(root, { recursive: true, force: true }),
    };
  },
  async s3() {
    // A real S3-compatible server (s3rver) on loopback; the SDK finds its credentials through
    // the standard chain (environment variables), as it would on AWS.
    const directory = await mkdtemp(join(tmpdir(), 'eduspry-s3rver-'));
    const server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory,
      configureBuckets: [{ name: BUCKET, configs: [] }],
    });
    const { port } = (await server.run()) as unknown as { port: number };
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
    return {
      verifiesSignatures: false,
      provider: await createStorageProvider({
        STORAGE_PROVIDER: 's3',
        S3_ENDPOINT: `http://127.0.0.1:${port}`,
        S3_BUCKET: BUCKET,
        S3_REGION: 'us-east-1',
      }),
      close: async () => {
        await server.close();
        await rm(directory, { recursive: true, force: true });
      },
    };
  },
  async supabase() {
    // Supabase Storage cannot run here: a stand-in of its HTTP API (see supabase-stand-in.ts).
    const standIn = await startSupabaseStorageStandIn(BUCKET);
    return {
      provider: await createStorageProvider({
        STORAGE_PROVIDER: 'supabase',
        SUPABASE_URL: standIn.url,
        SUPABASE_SERVICE_ROLE_KEY: standIn.serviceKey,
        SUPABASE_STORAGE_BUCKET: BUCKET,
      }),
      close: () => standIn.close(),
    };
  },
};

for (const [name, start] of Object.entries(fixtures)) {
  describe(`StorageProvider contract: ${name}`, () => {
    let fixture: Fixture;
    let provider: StorageProvider;
    before(async () => {
      fixture = await start();
      provider = fixture.provider;
    });
    after(() => fixture.close());

    test('stores a streamed object and gives back exactly its bytes', async () => {
      const key = newKey();
      const data = randomBytes(3 * 1024 * 1024 + 17);
      const { size } = await provider.put(key, chunked(data), { contentType: 'application/pdf' });
      assert.equal(size, data.length);
      assert.equal(sha(await bytesOf(await provider.get(key))), sha(data));
      assert.equal((await provider.head(key))?.size, data.length);
    });

    test('answers an inclusive byte range, including the last byte', async () => {
      const key = newKey();
      const data = randomBytes(200_000);
      await provider.put(key, chunked(data));
      assert.deepEqual(
        await bytesOf(await provider.get(key, { start: 1000, end: 1999 })),
        data.subarray(1000, 2000),
      );
      assert.deepEqual(
        await bytesOf(await provider.get(key, { start: data.length - 1, end: data.length - 1 })),
        data.subarray(data.length - 1),
      );
    });

    test('a second put replaces the object', async () => {
      const key = newKey();
      await provider.put(key, chunked(Buffer.from('first version')));
      await provider.put(key, chunked(Buffer.from('second')));
      assert.equal((await bytesOf(await provider.get(key))).toString(), 'second');
    });

    test('an absent object: get throws ObjectNotFound, head is null, delete is a no-op', async () => {
      const key = newKey();
      await assert.rejects(provider.get(key), ObjectNotFound);
      assert.equal(await provider.head(key), null);
      await provider.delete(key);
    });

    test('delete removes the object', async () => {
      const key = newKey();
      await provider.put(key, chunked(Buffer.from('bye')));
      await provider.delete(key);
      assert.equal(await provider.head(key), null);
      await assert.rejects(provider.get(key), ObjectNotFound);
    });

    test('refuses every key objectKey() did not make: traversal, absolute, NUL, 4 KB', async () => {
      for (const key of HOSTILE_KEYS) {
        await assert.rejects(provider.put(key, chunked(Buffer.from('x'))), UnsafeObjectKey, key);
        await assert.rejects(provider.get(key), UnsafeObjectKey);
        await assert.rejects(provider.head(key), UnsafeObjectKey);
        await assert.rejects(provider.delete(key), UnsafeObjectKey);
        await assert.rejects(provider.presignedGetUrl(key, { expiresInSeconds: 60 }), UnsafeObjectKey);
      }
      if (fixture.root) {
        // Nothing was written outside tenant folders of the root.
        for (const entry of await readdir(fixture.root))
          assert.match(entry, /^[0-9a-f-]{36}$/, `unexpected entry ${entry} under the storage root`);
      }
    });

    test('a presigned GET fetches without credentials; a tampered one is refused', async (t) => {
      const key = newKey();
      const data = randomBytes(100_000);
      await provider.put(key, chunked(data));
      const url = await provider.presignedGetUrl(key, { expiresInSeconds: 60 });
      if (!provider.presigns) {
        assert.equal(url, null, 'a provider that does not presign answers null, never an unsigned URL');
        return;
      }
      assert.ok(url);
      const answer = await fetch(url);
      assert.equal(answer.status, 200);
      assert.equal(sha(Buffer.from(await answer.arrayBuffer())), sha(data));
      const ranged = await fetch(url, { headers: { range: 'bytes=10-19' } });
      assert.equal(ranged.status, 206);
      assert.deepEqual(Buffer.from(await ranged.arrayBuffer()), data.subarray(10, 20));
      if (fixture.verifiesSignatures === false) {
        t.diagnostic(`${name}: the test server does not verify signatures; only expiry is checked below`);
        return;
      }
      // One character of each signature or token changed for a different one, in its middle: a
      // fixed replacement at its end could equal what was there (or only its unused base64 bits).
      const tampered = new URL(url);
      for (const [param, value] of tampered.searchParams)
        if (/signature|token/i.test(param)) {
          const at = value.length >> 1;
          const other = value[at] === 'A' ? 'B' : 'A';
          tampered.searchParams.set(param, `${value.slice(0, at)}${other}${value.slice(at + 1)}`);
        }
      const refused = await fetch(tampered);
      assert.ok(refused.status >= 400 && refused.status < 500, `tampered URL answered ${refused.status}`);
      await refused.arrayBuffer();
    });

    test('an expired presigned GET is refused', async () => {
      const key = newKey();
      await provider.put(key, chunked(Buffer.from('soon gone')));
      const url = await provider.presignedGetUrl(key, { expiresInSeconds: 1 });
      if (!provider.presigns) return assert.equal(url, null);
      await new Promise((ok) => setTimeout(ok, 2100));
      const answer = await fetch(url!);
      assert.ok(answer.status >= 400 && answer.status < 500, `expired URL answered ${answer.status}`);
      await answer.arrayBuffer();
    });

    test('a presigned PUT stores what the client sends', async () => {
      const key = newKey();
      const url = await provider.presignedPutUrl(key, { expiresInSeconds: 60 });
      if (!provider.presigns) {
        assert.equal(url, null);
        return;
      }
      assert.ok(url);
      const answer = await fetch(url, { method: 'PUT', body: 'uploaded directly' });
      assert.ok(answer.ok, `presigned PUT answered ${answer.status}`);
      await answer.arrayBuffer();
      assert.equal((await bytesOf(await provider.get(key))).toString(), 'uploaded directly');
    });
  });
}

test('objectKey makes tenant-first keys from ids only and refuses anything else', () => {
  const tenantId = randomUUID();
  const key = newKey(tenantId, 3);
  assert.ok(key.startsWith(`${tenantId}/`));
  assert.ok(key.endsWith('/v3'));
  assert.throws(
    () => objectKey({ tenantId: '../x', courseId: randomUUID(), fileId: randomUUID(), version: 1 }),
    UnsafeObjectKey,
  );
  assert.throws(
    () => objectKey({ tenantId, courseId: randomUUID(), fileId: randomUUID(), version: 0 }),
    UnsafeObjectKey,
  );
});

test('createStorageProvider refuses an unknown provider and a missing bucket', async () => {
  await assert.rejects(createStorageProvider({ STORAGE_PROVIDER: 'ftp' }), /local, s3 or supabase/);
  await assert.rejects(createStorageProvider({ STORAGE_PROVIDER: 's3' }), /S3_BUCKET/);
});
