import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { bearerToken, HttpProblem, type ServiceApp, type TokenVerifier } from '@eduspry/common';
import { FileStore } from '@tus/file-store';
import { Server, type Upload } from '@tus/server';
import type { Caller, ContentContext } from '../domain/context.ts';
import { prepareUpload, storeUpload } from '../domain/uploads.ts';
import { problems } from '../problems.ts';

export const TUS_PATH = '/uploads';

export interface TusOptions {
  ctx: ContentContext;
  verifier: TokenVerifier;
  directory: string;
  /** Partial uploads untouched this long are expired (cleanUpExpiredUploads removes them). */
  staleAfterMs: number;
  maxSize: number;
  /** Origins whose pages may call the tus endpoint (CORS); any other gets no Access-Control-Allow-Origin. */
  allowedOrigins: string[];
}

/** A tus rejection the client can read: problem+json as the body. */
function rejection(error: unknown): { status_code: number; body: string } {
  const problem =
    error instanceof HttpProblem ? error : problems.create('internal', 'The upload could not be stored');
  return { status_code: problem.status, body: JSON.stringify(problem.toDocument()) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuidOrNull = (value: string | null | undefined, field: string) => {
  if (!value) return null;
  if (!UUID.test(value)) throw problems.create('validation', `metadata ${field} must be a uuid`);
  return value.toLowerCase();
};

/**
 * Resumable uploads (the tus protocol, @tus/server) for large files. Bytes of an upload in
 * flight stay in a staging folder: no `files` row exists and no quota is charged until the last
 * byte arrives, so an interrupted upload is invisible. On completion the staged file goes
 * through the same pipeline as a multipart upload (type check, SHA-256, quota) and is removed.
 * Only the user who created an upload may continue it.
 */
export function createTusServer({
  ctx,
  verifier,
  directory,
  staleAfterMs,
  maxSize,
  allowedOrigins,
}: TusOptions) {
  const datastore = new FileStore({ directory, expirationPeriodInMilliseconds: staleAfterMs });
  const callerOf = async (req: Request): Promise<Caller> => {
    const token = bearerToken(req.headers.get('authorization') ?? undefined);
    if (!token) throw problems.create('unauthorized', 'Send the access token');
    return { claims: await verifier.verify(token), token };
  };
  const server: Server = new Server({
    path: TUS_PATH,
    datastore,
    relativeLocation: true,
    maxSize,
    // CORS by @tus/server itself (preflight, Allow-Headers with Authorization, Tus-Resumable and
    // Upload-*, Expose-Headers with Location and Upload-Offset): the browser uploads straight here
    // with the user's bearer token (no cookies), from the configured origins only.
    allowedOrigins: (origin) => allowedOrigins.includes(origin),
    exposedHeaders: ['EduSpry-File-Id', 'EduSpry-File-Version'],
    namingFunction: () => randomUUID(),
    async onUploadCreate(req, upload) {
      try {
        if (upload.size === undefined) throw problems.create('bad-request', 'Upload-Length is required');
        const caller = await callerOf(req);
        const meta = upload.metadata ?? {};
        const target = await prepareUpload(ctx, caller, {
          courseId: uuidOrNull(meta.courseId, 'courseId') ?? undefined,
          itemId: uuidOrNull(meta.itemId, 'itemId'),
          fileId: uuidOrNull(meta.fileId, 'fileId') ?? undefined,
          declaredSize: upload.size,
        });
        if (!meta.fileId && !meta.courseId)
          throw problems.create('validation', 'metadata courseId is required');
        return {
          metadata: {
            ...meta,
            courseId: target.courseId,
            itemId: target.itemId ?? '',
            owner: `${caller.claims.app_metadata.tenant_id}:${caller.claims.sub}`,
          },
        };
      } catch (error) {
        throw rejection(error);
      }
    },
    async onIncomingRequest(req, uploadId) {
      if (req.method === 'POST' || req.method === 'OPTIONS') return;
      try {
        const caller = await callerOf(req);
        const upload = await datastore.getUpload(uploadId).catch(() => null);
        const owner = `${caller.claims.app_metadata.tenant_id}:${caller.claims.sub}`;
        if (!upload || upload.metadata?.owner !== owner) throw problems.create('not-found', 'No such upload');
      } catch (error) {
        throw rejection(error);
      }
    },
    async onUploadFinish(req, upload: Upload) {
      const path = join(directory, upload.id);
      try {
        const caller = await callerOf(req);
        const meta = upload.metadata ?? {};
        const file = await storeUpload(ctx, caller, {
          ...(meta.fileId
            ? { fileId: meta.fileId }
            : { courseId: meta.courseId!, itemId: meta.itemId || null }),
          name: meta.filename ?? meta.name ?? undefined,
          body: createReadStream(path),
          declaredSize: upload.size,
        });
        return { headers: { 'EduSpry-File-Id': file.id, 'EduSpry-File-Version': file.version } };
      } catch (error) {
        throw rejection(error);
      } finally {
        await datastore.remove(upload.id).catch(() => {});
      }
    },
  });
  return { server, datastore, cleanUpExpired: () => server.cleanUpExpiredUploads() };
}

/** Mounts the tus server under /uploads; the body stays unread for tus to stream. */
export async function tusRoutes(app: ServiceApp, { server }: { server: Server }) {
  app.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));
  const handle = (
    request: { raw: import('node:http').IncomingMessage },
    reply: import('fastify').FastifyReply,
  ) => {
    reply.hijack();
    return server.handle(request.raw, reply.raw);
  };
  for (const url of [TUS_PATH, `${TUS_PATH}/*`])
    app.route({
      method: ['POST', 'HEAD', 'PATCH', 'DELETE', 'OPTIONS'],
      url,
      schema: { hide: true },
      handler: handle,
    });
}
