import type { ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import { addSection, changeSection, listCourseSections } from '../domain/sections.ts';
import { claimsOf, type RouteDeps } from './context.ts';
import { CourseParams, DateOnly, errors, security, Title, Uuid } from './schemas.ts';

const Section = Type.Object({
  id: Uuid,
  courseId: Uuid,
  name: Type.String(),
  startsOn: Type.Union([DateOnly, Type.Null()]),
  endsOn: Type.Union([DateOnly, Type.Null()]),
  instructorIds: Type.Array(Uuid),
});
const SectionFields = {
  startsOn: Type.Optional(Type.Union([DateOnly, Type.Null()])),
  endsOn: Type.Optional(Type.Union([DateOnly, Type.Null()])),
  instructorIds: Type.Optional(Type.Array(Uuid, { maxItems: 50, uniqueItems: true })),
};

/** Sections (cohorts) of a course, each with its own dates and instructors. */
export async function sectionRoutes(app: ServiceApp, ctx: RouteDeps): Promise<void> {
  app.get(
    '/courses/:courseId/sections',
    {
      schema: {
        summary: 'Sections (cohorts) of a course',
        security,
        params: CourseParams,
        response: { 200: Type.Array(Section), ...errors },
      },
    },
    async (request) => listCourseSections(ctx, claimsOf(request), request.params.courseId),
  );
  app.post(
    '/courses/:courseId/sections',
    {
      schema: {
        summary: 'Add a section with its own dates and instructors',
        security,
        params: CourseParams,
        body: Type.Object({ name: Title, ...SectionFields }, { additionalProperties: false }),
        response: { 201: Section, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await addSection(ctx, claimsOf(request), request.params.courseId, request.body)),
  );
  app.patch(
    '/courses/:courseId/sections/:sectionId',
    {
      schema: {
        summary: 'Change a section',
        security,
        params: Type.Object({ courseId: Uuid, sectionId: Uuid }),
        body: Type.Object(
          { name: Type.Optional(Title), ...SectionFields },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Section, ...errors },
      },
    },
    async (request) => changeSection(ctx, claimsOf(request), request.params, request.body),
  );
}
