import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertObjectKey,
  type ByteRange,
  type ObjectInfo,
  ObjectNotFound,
  type StorageProvider,
  UnsafeObjectKey,
} from './provider.ts';

/**
 * Files under one root directory (the embedded default: `.eduspry/storage/`). Writes go to a
 * temporary name and are renamed into place, so a reader never sees half an object and a
 * crash mid-upload leaves only a temp file. Presigning is left to the service (HMAC URLs).
 */
export function createLocalStorage(options: { root: string }): StorageProvider {
  const root = resolve(options.root);
  const pathOf = (key: string): string => {
    const path = resolve(root, assertObjectKey(key));
    // Belt and braces: the key regex already excludes `..` and absolute paths.
    if (!path.startsWith(root + sep)) throw new UnsafeObjectKey(key);
    return path;
  };
  return {
    name: 'local',
    presigns: false,
    async put(key, body) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const temp = join(dirname(path), `.${randomUUID()}.tmp`);
      try {
        await pipeline(body, createWriteStream(temp, { flags: 'wx' }));
        await rename(temp, path);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return { size: (await stat(path)).size };
    },
    async get(key, range?: ByteRange): Promise<Readable> {
      const path = pathOf(key);
      const stream = createReadStream(path, range ? { start: range.start, end: range.end } : {});
      // Surface "absent" as ObjectNotFound before any byte is promised to a client.
      await new Promise<void>((ok, fail) => {
        stream.once('open', () => ok());
        stream.once('error', (error: NodeJS.ErrnoException) =>
          fail(error.code === 'ENOENT' ? new ObjectNotFound(key) : error),
        );
      });
      return stream;
    },
    async head(key): Promise<ObjectInfo | null> {
      try {
        const info = await stat(pathOf(key));
        return info.isFile() ? { size: info.size } : null;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async presignedGetUrl(key) {
      pathOf(key);
      return null;
    },
    async presignedPutUrl(key) {
      pathOf(key);
      return null;
    },
  };
}
