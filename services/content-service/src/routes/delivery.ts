import { errors, type ServiceApp } from '@eduspry/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { ContentContext } from '../domain/context.ts';
import { openBytes, readableVersion, signedVersion, type VersionRow } from '../domain/files.ts';
import { dispositionFor, etagMatches, etagOf, isInline, parseRange } from '../domain/rules.ts';
import { problems } from '../problems.ts';
import { callerOf } from './context.ts';
import { FileParams } from './schemas.ts';

const bytes = {
  200: { description: 'The bytes', content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
  206: {
    description: 'The requested range',
    content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
  },
  304: { description: 'Not modified (If-None-Match)', type: 'null' },
};

/**
 * Streams one version: Range (206, so players seek), ETag / If-None-Match (304), a safe
 * Content-Disposition, nosniff, and anything that is not a known-harmless inline type (HTML,
 * SVG, …) as a sandboxed attachment, so an uploaded page never runs script on our origin.
 */
async function deliver(
  ctx: ContentContext,
  request: FastifyRequest,
  reply: FastifyReply,
  row: VersionRow,
  { download, cacheControl }: { download: boolean; cacheControl: string },
) {
  const etag = etagOf(row.sha256);
  reply
    .header('etag', etag)
    .header('accept-ranges', 'bytes')
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', cacheControl);
  if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();
  const range = parseRange(request.headers.range, row.sizeBytes);
  if (range.kind === 'unsatisfiable') {
    reply.header('content-range', `bytes */${row.sizeBytes}`);
    throw problems.create('range-not-satisfiable', `The file has ${row.sizeBytes} bytes`);
  }
  reply
    .header('content-disposition', dispositionFor(row.mediaType, row.originalName, download))
    .type(row.mediaType);
  if (!isInline(row.mediaType)) reply.header('content-security-policy', "default-src 'none'; sandbox");
  const body = await openBytes(ctx, row, range);
  if (range.kind === 'partial') {
    reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${row.sizeBytes}`)
      .header('content-length', range.end - range.start + 1);
  } else reply.header('content-length', row.sizeBytes);
  return reply.send(body);
}

export async function deliveryRoutes(app: ServiceApp, { ctx }: { ctx: ContentContext }) {
  app.get(
    '/files/:fileId/content',
    {
      schema: {
        summary: "A file's bytes (current version unless ?version=), with Range and ETag",
        security: [{ bearerAuth: [] }],
        params: FileParams,
        querystring: Type.Object({
          version: Type.Optional(Type.Integer({ minimum: 1, maximum: 999_999_999 })),
          download: Type.Optional(Type.Boolean()),
        }),
        response: { ...bytes, ...errors(400, 401, 403, 404, 416, 503) },
      },
    },
    async (request, reply) => {
      const row = await readableVersion(
        ctx,
        await callerOf(request),
        request.params.fileId,
        request.query.version,
      );
      return deliver(ctx, request, reply, row, {
        download: request.query.download === true,
        cacheControl: 'private, no-cache',
      });
    },
  );

  app.get(
    '/signed/:tenantId/:fileId/:version',
    {
      schema: {
        summary:
          'A signed URL: the bytes without a token until it expires (HMAC over tenant, file, version, expiry)',
        params: Type.Object({
          tenantId: Type.String({ format: 'uuid' }),
          fileId: Type.String({ format: 'uuid' }),
          version: Type.Integer({ minimum: 1, maximum: 999_999_999 }),
        }),
        querystring: Type.Object({
          expires: Type.Integer({ minimum: 0, maximum: 99_999_999_999 }),
          signature: Type.String({ minLength: 1, maxLength: 100 }),
          download: Type.Optional(Type.String({ maxLength: 1 })),
        }),
        response: { ...bytes, ...errors(400, 403, 404, 416) },
      },
    },
    async (request, reply) => {
      const { tenantId, fileId, version } = request.params;
      const { expires, signature, download } = request.query;
      const row = await signedVersion(
        ctx,
        { tenantId: tenantId.toLowerCase(), fileId: fileId.toLowerCase(), version, expires },
        signature,
      );
      const maxAge = Math.max(0, expires - Math.floor(Date.now() / 1000));
      return deliver(ctx, request, reply, row, {
        download: download === '1',
        cacheControl: `private, max-age=${maxAge}, immutable`,
      });
    },
  );
}
