// A stand-in for the Supabase Storage HTTP API, because Supabase Storage itself (a Node
// service over Postgres and S3, run by Supabase) cannot run on this machine. It implements
// the object routes @supabase/storage-js calls, with the same paths, auth headers, Range
// answers and token-checked signed URLs, so the real client library is what the tests drive.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandIn {
  url: string;
  serviceKey: string;
  close(): Promise<void>;
}

interface Stored {
  bytes: Buffer;
  contentType: string;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startSupabaseStorageStandIn(bucket: string): Promise<StandIn> {
  const serviceKey = randomBytes(24).toString('base64url');
  const secret = randomBytes(32);
  const objects = new Map<string, Stored>();
  const sign = (path: string, exp: number) =>
    `${exp}.${createHmac('sha256', secret).update(`${path}\n${exp}`).digest('base64url')}`;
  const tokenValid = (path: string, token: string | null) => {
    const [exp, mac] = (token ?? '').split('.');
    if (!exp || !mac || Number(exp) < Date.now() / 1000) return false;
    const expected = Buffer.from(sign(path, Number(exp)).split('.')[1]!);
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given);
  };
  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const error = (response: ServerResponse, status: number, message: string) =>
    json(response, status, { statusCode: String(status), error: message, message });
  const serve = (request: IncomingMessage, response: ServerResponse, stored: Stored | undefined) => {
    if (!stored) return error(response, 400, 'Object not found');
    const range = /^bytes=(\d+)-(\d*)$/.exec(String(request.headers.range ?? ''));
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(range[2] ? Number(range[2]) : stored.bytes.length - 1, stored.bytes.length - 1);
      response.writeHead(206, {
        'content-type': stored.contentType,
        'content-range': `bytes ${start}-${end}/${stored.bytes.length}`,
        'content-length': String(end - start + 1),
      });
      return response.end(stored.bytes.subarray(start, end + 1));
    }
    response.writeHead(200, { 'content-type': stored.contentType, 'content-length': stored.bytes.length });
    response.end(stored.bytes);
  };

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const path = decodeURIComponent(url.pathname.replace(/^\/storage\/v1/, ''));
    const authorized =
      request.headers.authorization === `Bearer ${serviceKey}` && request.headers.apikey === serviceKey;
    let match: RegExpExecArray | null;
    // Signed routes authenticate by token, everything else by the service key.
    match = request.method === 'GET' ? /^\/object\/sign\/([^/]+)\/(.+)$/.exec(path) : null;
    if (match) {
      const objectPath = `${match[1]}/${match[2]}`;
      if (!tokenValid(objectPath, url.searchParams.get('token')))
        return error(response, 400, 'InvalidSignature');
      return serve(request, response, objects.get(objectPath));
    }
    match = request.method === 'PUT' ? /^\/object\/upload\/sign\/([^/]+)\/(.+)$/.exec(path) : null;
    if (match) {
      const objectPath = `${match[1]}/${match[2]}`;
      if (!tokenValid(`upload:${objectPath}`, url.searchParams.get('token')))
        return error(response, 400, 'InvalidSignature');
      objects.set(objectPath, {
        bytes: await readBody(request),
        contentType: String(request.headers['content-type'] ?? 'application/octet-stream'),
      });
      return json(response, 200, { Key: objectPath });
    }
    if (!authorized) return error(response, 403, 'Unauthorized');
    match = request.method === 'POST' ? /^\/object\/sign\/([^/]+)\/(.+)$/.exec(path) : null;
    if (match) {
      const objectPath = `${match[1]}/${match[2]}`;
      const { expiresIn } = JSON.parse((await readBody(request)).toString() || '{}');
      if (!objects.has(objectPath)) return error(response, 400, 'Object not found');
      const token = sign(objectPath, Math.floor(Date.now() / 1000) + Number(expiresIn));
      return json(response, 200, { signedURL: `/object/sign/${objectPath}?token=${token}` });
    }
    match = request.method === 'POST' ? /^\/object\/upload\/sign\/([^/]+)\/(.+)$/.exec(path) : null;
    if (match) {
      const objectPath = `${match[1]}/${match[2]}`;
      const token = sign(`upload:${objectPath}`, Math.floor(Date.now() / 1000) + 7200);
      return json(response, 200, { url: `/object/upload/sign/${objectPath}?token=${token}` });
    }
    match = request.method === 'GET' ? /^\/object\/info\/([^/]+)\/(.+)$/.exec(path) : null;
    if (match) {
      const stored = objects.get(`${match[1]}/${match[2]}`);
      if (!stored) return error(response, 400, 'Object not found');
      return json(response, 200, { size: stored.bytes.length, content_type: stored.contentType });
    }
    match = request.method === 'DELETE' ? /^\/object\/([^/]+)$/.exec(path) : null;
    if (match) {
      const { prefixes } = JSON.parse((await readBody(request)).toString()) as { prefixes: string[] };
      for (const prefix of prefixes) objects.delete(`${match[1]}/${prefix}`);
      return json(
        response,
        200,
        prefixes.map((name) => ({ name })),
      );
    }
    match = /^\/object\/([^/]+)\/(.+)$/.exec(path);
    if (match) {
      const objectPath = `${match[1]}/${match[2]}`;
      if (match[1] !== bucket) return error(response, 400, 'Bucket not found');
      if (request.method === 'GET') return serve(request, response, objects.get(objectPath));
      if (request.method === 'POST' || request.method === 'PUT') {
        if (objects.has(objectPath) && request.headers['x-upsert'] !== 'true')
          return error(response, 409, 'Duplicate');
        objects.set(objectPath, {
          bytes: await readBody(request),
          contentType: String(request.headers['content-type'] ?? 'application/octet-stream'),
        });
        return json(response, 200, { Key: objectPath });
      }
    }
    error(response, 404, 'Not found');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    serviceKey,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
