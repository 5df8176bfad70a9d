import { errors, type ServiceApp } from '@eduspry/common';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { ContentContext } from '../domain/context.ts';
import {
  attachToItem,
  changeStorageSettings,
  deleteFile,
  getFile,
  listFiles,
  signedFiles,
  signedUrl,
  storageSettings,
} from '../domain/files.ts';
import { storeUpload } from '../domain/uploads.ts';
import { problems } from '../problems.ts';
import { callerOf } from './context.ts';
import {
  CourseParams,
  FileDetail,
  FileParams,
  FileView,
  StorageChange,
  StorageSettings,
  VersionParams,
} from './schemas.ts';

const security = [{ bearerAuth: [] }];
const multipartBody = {
  consumes: ['multipart/form-data'],
  description: 'multipart/form-data with one `file` part, streamed to storage (never buffered whole).',
};

/** One file part of a multipart request, as a stream; 400 without one. */
async function filePart(request: FastifyRequest) {
  if (!request.isMultipart())
    throw problems.create('unsupported-media-type', 'Send multipart/form-data with a file part');
  let part: Awaited<ReturnType<FastifyRequest['file']>>;
  try {
    part = await request.file();
  } catch (error) {
    throw problems.create('bad-request', `The multipart body is malformed: ${(error as Error).message}`);
  }
  if (!part) throw problems.create('bad-request', 'The request has no file part');
  return part;
}

export async function fileRoutes(app: ServiceApp, { ctx }: { ctx: ContentContext }) {
  app.addSchema(FileView);

  app.post(
    '/courses/:courseId/files',
    {
      schema: {
        summary: 'Upload a file to a course (optionally to one of its module items); staff only',
        ...multipartBody,
        security,
        params: CourseParams,
        querystring: Type.Object({ itemId: Type.Optional(Type.String({ format: 'uuid' })) }),
        response: { 201: Type.Ref('FileView'), ...errors(400, 401, 403, 404, 413, 415, 503) },
      },
    },
    async (request, reply) => {
      const caller = await callerOf(request);
      const part = await filePart(request);
      const file = await storeUpload(ctx, caller, {
        courseId: request.params.courseId,
        itemId: request.query.itemId ?? null,
        name: part.filename,
        body: part.file,
      });
      return reply.code(201).send(await getFile(ctx, caller, file.id));
    },
  );

  app.post(
    '/files/:fileId/versions',
    {
      schema: {
        summary: 'Upload a new version of a file; the old version stays until deleted; staff only',
        ...multipartBody,
        security,
        params: FileParams,
        response: { 201: Type.Ref('FileView'), ...errors(400, 401, 403, 404, 413, 415, 503) },
      },
    },
    async (request, reply) => {
      const caller = await callerOf(request);
      const part = await filePart(request);
      const file = await storeUpload(ctx, caller, {
        fileId: request.params.fileId,
        name: part.filename,
        body: part.file,
      });
      return reply.code(201).send(await getFile(ctx, caller, file.id));
    },
  );

  app.get(
    '/courses/:courseId/files',
    {
      schema: {
        summary: "A course's files the caller may open (all, or those of the given items)",
        security,
        params: CourseParams,
        querystring: Type.Object({
          itemIds: Type.Optional(
            Type.String({
              pattern: '^[0-9a-fA-F-]{36}(,[0-9a-fA-F-]{36}){0,199}$',
              description: 'comma-separated',
            }),
          ),
        }),
        response: { 200: Type.Object({ files: Type.Array(Type.Ref('FileView')) }), ...errors(400, 401, 503) },
      },
    },
    async (request) => ({
      files: await listFiles(
        ctx,
        await callerOf(request),
        request.params.courseId,
        request.query.itemIds?.toLowerCase().split(','),
      ),
    }),
  );

  app.get(
    '/files/:fileId',
    {
      schema: {
        summary: "A file's current version and its other ready versions",
        security,
        params: FileParams,
        response: { 200: FileDetail, ...errors(400, 401, 403, 404, 503) },
      },
    },
    async (request) => getFile(ctx, await callerOf(request), request.params.fileId),
  );

  app.put(
    '/files/:fileId/item',
    {
      schema: {
        summary:
          'Attach a file on no item to an item of its course (staff): the item then decides who reads it, and its deletion deletes the file',
        security,
        params: FileParams,
        body: Type.Object({ itemId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            fileId: Type.String({ format: 'uuid' }),
            itemId: Type.String({ format: 'uuid' }),
          }),
          ...errors(400, 401, 403, 404, 409, 503),
        },
      },
    },
    async (request) =>
      attachToItem(ctx, await callerOf(request), request.params.fileId, request.body.itemId.toLowerCase()),
  );

  app.delete(
    '/files/:fileId',
    {
      schema: {
        summary: 'Delete a file and every version of it; staff only',
        security,
        params: FileParams,
        response: { 200: Type.Object({ releasedBytes: Type.Integer() }), ...errors(400, 401, 403, 404, 503) },
      },
    },
    async (request) => deleteFile(ctx, await callerOf(request), request.params.fileId),
  );

  app.delete(
    '/files/:fileId/versions/:version',
    {
      schema: {
        summary: 'Delete one old version of a file; staff only',
        security,
        params: VersionParams,
        response: {
          200: Type.Object({ releasedBytes: Type.Integer() }),
          ...errors(400, 401, 403, 404, 409, 503),
        },
      },
    },
    async (request) =>
      deleteFile(ctx, await callerOf(request), request.params.fileId, request.params.version),
  );

  app.post(
    '/files/:fileId/signed-url',
    {
      schema: {
        summary: 'A URL that fetches the file without a token for a short time',
        security,
        params: FileParams,
        body: Type.Optional(
          Type.Object(
            {
              version: Type.Optional(Type.Integer({ minimum: 1, maximum: 999_999_999 })),
              download: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
        ),
        response: {
          200: Type.Object({
            url: Type.String(),
            expiresAt: Type.String({ format: 'date-time' }),
            version: Type.Integer(),
          }),
          ...errors(400, 401, 403, 404, 503),
        },
      },
    },
    async (request) => signedUrl(ctx, await callerOf(request), request.params.fileId, request.body ?? {}),
  );

  app.post(
    '/files/signed-urls',
    {
      schema: {
        summary:
          'Many files at once, each with a signed URL (what the gateway batches); files the caller may not open are left out',
        security,
        body: Type.Object(
          {
            fileIds: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 200 }),
            download: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            files: Type.Array(
              Type.Intersect([
                Type.Ref('FileView'),
                Type.Object({ url: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }),
              ]),
            ),
          }),
          ...errors(400, 401, 503),
        },
      },
    },
    async (request) => ({
      files: await signedFiles(
        ctx,
        await callerOf(request),
        request.body.fileIds.map((id) => id.toLowerCase()),
        request.body.download === undefined ? {} : { download: request.body.download },
      ),
    }),
  );

  app.get(
    '/storage',
    {
      schema: {
        summary:
          "The district's storage quota, usage, file size limit and accepted media types; tenant admins",
        security,
        response: { 200: StorageSettings, ...errors(401, 403) },
      },
    },
    async (request) => storageSettings(ctx, await callerOf(request)),
  );

  app.patch(
    '/storage',
    {
      schema: {
        summary: "Change the district's limits (tenant admins) or quota (super_admin)",
        security,
        body: StorageChange,
        response: { 200: StorageSettings, ...errors(400, 401, 403) },
      },
    },
    async (request) => changeStorageSettings(ctx, await callerOf(request), request.body),
  );

  const TenantParams = Type.Object({ tenantId: Type.String({ format: 'uuid' }) });
  app.get(
    '/tenants/:tenantId/storage',
    {
      schema: {
        summary: "A district's storage settings: its own tenant admin, or the super_admin for any tenant",
        security,
        params: TenantParams,
        response: { 200: StorageSettings, ...errors(400, 401, 403) },
      },
    },
    async (request) => storageSettings(ctx, await callerOf(request), request.params.tenantId),
  );

  app.patch(
    '/tenants/:tenantId/storage',
    {
      schema: {
        summary: "Change a district's limits (its tenant admin) or quota (the super_admin, for any tenant)",
        security,
        params: TenantParams,
        body: StorageChange,
        response: { 200: StorageSettings, ...errors(400, 401, 403) },
      },
    },
    async (request) =>
      changeStorageSettings(ctx, await callerOf(request), request.body, request.params.tenantId),
  );
}
