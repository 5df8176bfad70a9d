import { PassThrough, type Readable } from 'node:stream';

/** `body` passed through a counter, for stores whose upload call does not report a size. */
export function counted(body: Readable): { stream: PassThrough; bytes: () => number } {
  let bytes = 0;
  const stream = new PassThrough({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  body.once('error', (error) => stream.destroy(error));
  body.pipe(stream);
  return { stream, bytes: () => bytes };
}
