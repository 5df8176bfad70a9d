import { type Static, Type } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });

export const FileView = Type.Object(
  {
    id: Uuid,
    courseId: Uuid,
    itemId: Type.Union([Uuid, Type.Null()]),
    version: Type.Integer({ minimum: 1 }),
    name: Type.String({ description: 'The sanitised original name: display text only' }),
    mediaType: Type.String({ description: 'Detected from the bytes, not the client' }),
    sizeBytes: Type.Integer({ minimum: 0 }),
    sha256: Type.String(),
    uploadedBy: Uuid,
    uploadedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'FileView' },
);
export type FileView = Static<typeof FileView>;

export const FileDetail = Type.Intersect([
  Type.Ref('FileView'),
  Type.Object({
    versions: Type.Array(
      Type.Object({
        version: Type.Integer(),
        sizeBytes: Type.Integer(),
        sha256: Type.String(),
        uploadedAt: Type.String({ format: 'date-time' }),
      }),
    ),
  }),
]);

export const FileParams = Type.Object({ fileId: Uuid });
export const CourseParams = Type.Object({ courseId: Uuid });
export const VersionParams = Type.Object({
  fileId: Uuid,
  version: Type.Integer({ minimum: 1, maximum: 999_999_999 }),
});

export const StorageSettings = Type.Object({
  quotaBytes: Type.Integer({ minimum: 0 }),
  usedBytes: Type.Integer({ minimum: 0 }),
  maxFileBytes: Type.Integer({ minimum: 1 }),
  allowedMediaTypes: Type.Array(Type.String()),
});

export const StorageChange = Type.Object(
  {
    quotaBytes: Type.Optional(Type.Integer({ minimum: 0 })),
    maxFileBytes: Type.Optional(Type.Integer({ minimum: 1 })),
    allowedMediaTypes: Type.Optional(
      Type.Array(Type.String({ pattern: '^[a-z]+/[a-z0-9.+-]+$', maxLength: 200 }), { maxItems: 200 }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
