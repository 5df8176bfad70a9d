import { errors as problemResponses } from '@eduspry/common';
import { CourseRole } from '@eduspry/contracts';
import { Type } from 'typebox';

export const Uuid = Type.String({ format: 'uuid' });
/** A timestamp in responses: rows carry Date objects, serialised as RFC 3339. */
export const DateTime = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });
export const DateOnly = Type.String({ format: 'date' });
export const Title = Type.String({ minLength: 1, maxLength: 200 });
export const CourseParams = Type.Object({ courseId: Uuid });
export const ModuleParams = Type.Object({ courseId: Uuid, moduleId: Uuid });
export const ItemParams = Type.Object({ courseId: Uuid, itemId: Uuid });
/** The problem responses every course route may answer (their codes: src/problems.ts). */
export const errors = problemResponses(400, 401, 403, 404, 409);
export const security = [{ bearerAuth: [] }];

export const Role = CourseRole;
export const EnrollmentStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('waitlisted'),
  Type.Literal('dropped'),
]);
export const Kind = Type.Union([
  Type.Literal('page'),
  Type.Literal('file'),
  Type.Literal('link'),
  Type.Literal('assessment'),
]);

export const Progress = Type.Object({
  completed: Type.Integer(),
  total: Type.Integer(),
  percent: Type.Integer(),
});

export const ItemSummary = Type.Object({
  id: Uuid,
  moduleId: Uuid,
  position: Type.Integer(),
  kind: Kind,
  title: Type.String(),
  published: Type.Boolean(),
  completed: Type.Boolean(),
});
export const Item = Type.Object({
  ...ItemSummary.properties,
  body: Type.Union([Type.String(), Type.Null()]),
  url: Type.Union([Type.String(), Type.Null()]),
  fileId: Type.Union([Uuid, Type.Null()]),
  assessmentId: Type.Union([Uuid, Type.Null()]),
});
export const Module = Type.Object({
  id: Uuid,
  courseId: Uuid,
  position: Type.Integer(),
  title: Type.String(),
  published: Type.Boolean(),
  unlockAt: Type.Union([DateTime, Type.Null()]),
  requiresModuleId: Type.Union([Uuid, Type.Null()]),
  access: Type.Object({ allowed: Type.Boolean(), reason: Type.String() }),
  progress: Progress,
  items: Type.Array(ItemSummary),
});

/** A reorder body: every id of the collection, in the new order. */
export const Order = (name: string) =>
  Type.Object(
    { [name]: Type.Array(Uuid, { minItems: 1, maxItems: 500, uniqueItems: true }) },
    { additionalProperties: false },
  );
