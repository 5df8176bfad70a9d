import type { ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import type { AssessmentContext } from '../domain/context.ts';
import { exportQti, importQti } from '../domain/qti-transfer.ts';
import { problems } from '../problems.ts';
import { callerOf, errors, security, Uuid } from './schemas.ts';

/** A district's item bank export; the zip's XML is limited again, uncompressed, by the domain. */
export const QTI_MAX_BYTES = 8 * 1024 * 1024;

const QTI_TYPES = [
  'application/zip',
  'application/x-zip-compressed',
  'application/octet-stream',
  'application/xml',
  'text/xml',
];

const ImportResult = Type.Object(
  {
    imported: Type.Array(
      Type.Object({
        identifier: Type.String(),
        title: Type.String(),
        questionId: Uuid,
        type: Type.String(),
        status: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('unchanged')]),
        versionCreated: Type.Boolean(),
      }),
    ),
    skipped: Type.Array(
      Type.Object({ identifier: Type.String(), title: Type.String(), reason: Type.String() }),
    ),
  },
  { additionalProperties: false },
);

/** QTI 2.1 import and export of a bank: the bank's managers (course staff; shared: instructors, admins). */
export async function qtiRoutes(app: ServiceApp, { ctx }: { ctx: AssessmentContext }): Promise<void> {
  app.addContentTypeParser(
    QTI_TYPES,
    { parseAs: 'buffer', bodyLimit: QTI_MAX_BYTES },
    (_request, body, done) => done(null, body),
  );
  app.post(
    '/banks/:bankId/qti',
    {
      bodyLimit: QTI_MAX_BYTES,
      schema: {
        summary: 'Import a QTI 2.1 package (zip) or one assessmentItem (XML) into a bank',
        description:
          'Body: the zip (application/zip) or the XML (application/xml), at most 8 MiB. Every item ' +
          'is either imported or skipped with its reason. Idempotent by item identifier within the ' +
          'bank: an item imported before updates its question when its content changed (a new ' +
          'version once an attempt used the current one). Unsafe files (DOCTYPE/entities, path ' +
          'traversal, zip bombs, deep nesting) are 400 `qti-unsafe` and nothing is stored.',
        security,
        consumes: QTI_TYPES,
        params: Type.Object({ bankId: Uuid }),
        response: { 200: ImportResult, ...errors(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request) => {
      const caller = await callerOf(request);
      // Only the parser above yields a Buffer: a JSON or form body is not a QTI file.
      if (!Buffer.isBuffer(request.body))
        throw problems.create(
          'unsupported-media-type',
          'send the package as application/zip or one item as application/xml',
        );
      return importQti(ctx, caller, request.params.bankId, request.body);
    },
  );
  app.get(
    '/banks/:bankId/qti',
    {
      schema: {
        summary: "The bank's current questions as a QTI 2.1 package (zip)",
        description:
          'One assessmentItem per question and imsmanifest.xml; eduspry-export-report.json in the zip ' +
          'lists what was exported and what was not (and why); the header x-eduspry-not-exported ' +
          'counts the latter.',
        security,
        params: Type.Object({ bankId: Uuid }),
        response: {
          200: {
            description: 'The QTI 2.1 package',
            content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } },
          },
          ...errors(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { zip, report, fileName } = await exportQti(ctx, await callerOf(request), request.params.bankId);
      // Bytes are sent as they are (no serializer); the schema above only documents them.
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="${fileName}"`)
        .header('x-eduspry-not-exported', String(report.notExported.length))
        .send(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength) as never);
    },
  );
}
