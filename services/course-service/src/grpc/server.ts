import { HttpProblem, type Sql } from '@eduspry/common';
import { isUuid } from '@eduspry/contracts';
import type { ProtoGrpcType } from '@eduspry/contracts/grpc/course';
import type { CheckAccessRequest__Output } from '@eduspry/contracts/grpc/eduspry/course/v1/CheckAccessRequest';
import type { CheckAccessResponse } from '@eduspry/contracts/grpc/eduspry/course/v1/CheckAccessResponse';
import type { CourseAccessHandlers } from '@eduspry/contracts/grpc/eduspry/course/v1/CourseAccess';
import type { Enrollment } from '@eduspry/contracts/grpc/eduspry/course/v1/Enrollment';
import type { GetEnrollmentRequest__Output } from '@eduspry/contracts/grpc/eduspry/course/v1/GetEnrollmentRequest';
import type { Logger } from '@eduspry/logging';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { Authenticate } from '../auth.ts';
import { getEnrollment } from '../domain/enrollments.ts';
import { checkAccess } from '../domain/progress.ts';
import { problems } from '../problems.ts';
import { checkAccessStream, DEFAULT_STREAM_LIMITS, type StreamLimits } from './access-stream.ts';

export const PROTO_PATH = new URL(import.meta.resolve('@eduspry/contracts/proto/course.proto')).pathname;

/** The loaded `eduspry.course.v1` package: clients (tests, other services) use it too. */
export function loadCourseProto() {
  const definition = protoLoader.loadSync(PROTO_PATH, { keepCase: true, defaults: true, longs: String });
  // Typed by the generated stubs (packages/contracts/src/grpc, from course.proto).
  return (grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType).eduspry.course.v1;
}

export interface GrpcDeps {
  sql: Sql;
  authenticate: Authenticate;
  logger?: Logger | undefined;
  /** CheckAccessStream's flow-control bounds (tests shrink them). */
  streamLimits?: StreamLimits | undefined;
}

/** Maps what handlers throw to gRPC status codes; unknown errors become INTERNAL without details. */
export function toGrpcError(error: unknown): Partial<grpc.StatusObject> {
  if (error instanceof HttpProblem) {
    const code =
      {
        400: grpc.status.INVALID_ARGUMENT,
        401: grpc.status.UNAUTHENTICATED,
        403: grpc.status.PERMISSION_DENIED,
        404: grpc.status.NOT_FOUND,
        409: grpc.status.FAILED_PRECONDITION,
        429: grpc.status.RESOURCE_EXHAUSTED,
        503: grpc.status.UNAVAILABLE,
      }[error.status] ?? grpc.status.INTERNAL;
    return { code, details: error.message };
  }
  const pg = error as { code?: string };
  // 57014 query_canceled: the statement_timeout derived from the caller's deadline fired.
  if (pg?.code === '57014') return { code: grpc.status.DEADLINE_EXCEEDED, details: 'deadline exceeded' };
  if (pg?.code === 'CONNECT_TIMEOUT' || pg?.code === 'ECONNREFUSED')
    return { code: grpc.status.UNAVAILABLE, details: 'database unavailable' };
  return { code: grpc.status.INTERNAL, details: 'internal error' };
}

function remainingMs(call: grpc.ServerUnaryCall<unknown, unknown>): number | undefined {
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : Number(deadline);
  return Number.isFinite(at) ? at - Date.now() : undefined;
}

function unary<Req, Res>(
  deps: GrpcDeps,
  name: string,
  work: (
    call: grpc.ServerUnaryCall<Req, Res>,
    claims: Awaited<ReturnType<Authenticate>>,
    timeoutMs: number | undefined,
  ) => Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const run = async () => {
      const timeoutMs = remainingMs(call as grpc.ServerUnaryCall<unknown, unknown>);
      if (timeoutMs !== undefined && timeoutMs <= 0)
        throw Object.assign(new Error('deadline passed'), { code: '57014' });
      const [authorization] = call.metadata.get('authorization');
      const claims = await deps.authenticate(typeof authorization === 'string' ? authorization : undefined);
      return work(call, claims, timeoutMs);
    };
    run().then(
      (response) => callback(null, response),
      (error) => {
        const status = toGrpcError(error);
        if (status.code === grpc.status.INTERNAL)
          deps.logger?.error({ err: error, rpc: name }, 'gRPC call failed');
        callback(status as grpc.ServiceError);
      },
    );
  };
}

function ids(values: Record<string, string>, optional: string[] = []): void {
  for (const [field, value] of Object.entries(values)) {
    if (value === '' && optional.includes(field)) continue;
    if (!isUuid(value)) throw problems.create('bad-request', `${field} must be a uuid`);
  }
}

/** CheckAccess, CheckAccessStream and GetEnrollment, each under the caller's claims with the caller's deadline. */
export function courseAccessService(deps: GrpcDeps): CourseAccessHandlers {
  const ctx = { sql: deps.sql };
  return {
    CheckAccess: unary<CheckAccessRequest__Output, CheckAccessResponse>(
      deps,
      'CheckAccess',
      async (call, claims, timeoutMs) => {
        const { user_id, course_id, item_id } = call.request;
        const userId = user_id || claims.sub;
        ids({ user_id: userId, course_id, item_id }, ['item_id']);
        const request = { userId: userId.toLowerCase(), courseId: course_id, itemId: item_id || undefined };
        return checkAccess(ctx, claims, request, { timeoutMs });
      },
    ),
    CheckAccessStream: checkAccessStream(deps, deps.streamLimits ?? DEFAULT_STREAM_LIMITS),
    GetEnrollment: unary<GetEnrollmentRequest__Output, Enrollment>(
      deps,
      'GetEnrollment',
      async (call, claims, timeoutMs) => {
        const { course_id } = call.request;
        const userId = (call.request.user_id || claims.sub).toLowerCase();
        ids({ user_id: userId, course_id });
        const enrollment = await getEnrollment(ctx, claims, { courseId: course_id, userId }, { timeoutMs });
        return {
          id: enrollment.id,
          course_id: enrollment.courseId,
          user_id: enrollment.userId,
          role: enrollment.role,
          status: enrollment.status,
          section_id: enrollment.sectionId ?? '',
          created_at: enrollment.createdAt.toISOString(),
        };
      },
    ),
  };
}

/** Starts the gRPC server; port 0 picks a free one (tests). */
export async function startGrpcServer(
  deps: GrpcDeps & { host: string; port: number },
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = new grpc.Server();
  server.addService(loadCourseProto().CourseAccess.service, courseAccessService(deps));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${deps.host}:${deps.port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), 5000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
