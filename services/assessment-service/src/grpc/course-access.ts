import type { ProtoGrpcType } from '@eduspry/contracts/grpc/course';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { problems } from '../problems.ts';

/** What course-service says about one user and one course (or one item of it). */
export interface AccessAnswer {
  allowed: boolean;
  /** staff | enrolled | not-enrolled | waitlisted | course-not-published | … (course.proto). */
  reason: string;
}

/**
 * The port the domain asks course membership through. The caller's own access token is
 * forwarded, so course-service answers under the caller's tenant (RLS) and identity.
 */
export interface CourseAccess {
  check(
    authorization: string,
    request: { courseId: string; itemId?: string | undefined },
  ): Promise<AccessAnswer>;
  close(): void;
}

const PROTO_PATH = new URL(import.meta.resolve('@eduspry/contracts/proto/course.proto')).pathname;

export interface GrpcCourseAccessOptions {
  address: string;
  timeoutMs: number;
  /** Allowed answers are reused this long per (user, course, item): 300 students pressing Start
   * at once each cost one call, and a student's next request none. 0 turns it off. */
  cacheSeconds: number;
}

/** CheckAccess over gRPC with a deadline per call and a short cache of allowed answers. */
export function grpcCourseAccess({
  address,
  timeoutMs,
  cacheSeconds,
}: GrpcCourseAccessOptions): CourseAccess {
  const definition = protoLoader.loadSync(PROTO_PATH, { keepCase: true, defaults: true, longs: String });
  // The stub's types are generated from course.proto (packages/contracts/src/grpc, `npm run
  // contracts:generate`), with the same loader options as here.
  const pkg = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
  const client = new pkg.eduspry.course.v1.CourseAccess(address, grpc.credentials.createInsecure());
  const cache = new Map<string, { answer: AccessAnswer; until: number }>();
  const inflight = new Map<string, Promise<AccessAnswer>>();

  const call = (authorization: string, courseId: string, itemId: string) =>
    new Promise<AccessAnswer>((resolve, reject) => {
      const metadata = new grpc.Metadata();
      metadata.set('authorization', authorization);
      client.CheckAccess(
        { course_id: courseId, item_id: itemId },
        metadata,
        { deadline: Date.now() + timeoutMs },
        (error, response) => {
          if (!error && response) return resolve({ allowed: response.allowed, reason: response.reason });
          if (!error) return reject(problems.create('course-service-unavailable', 'CheckAccess: no answer'));
          if (error.code === grpc.status.NOT_FOUND)
            return reject(problems.create('course-not-found', error.details));
          if (error.code === grpc.status.UNAUTHENTICATED)
            return reject(problems.create('unauthorized', error.details));
          if (error.code === grpc.status.PERMISSION_DENIED)
            return reject(problems.create('forbidden', error.details));
          if (error.code === grpc.status.INVALID_ARGUMENT)
            return reject(problems.create('bad-request', error.details));
          reject(problems.create('course-service-unavailable', `CheckAccess: ${grpc.status[error.code]}`));
        },
      );
    });

  return {
    async check(authorization, { courseId, itemId = '' }) {
      const key = `${authorization}\u0000${courseId}\u0000${itemId}`;
      const now = Date.now();
      const hit = cache.get(key);
      if (hit && hit.until > now) return hit.answer;
      // Concurrent asks for the same thing share one call.
      let pending = inflight.get(key);
      if (!pending) {
        pending = call(authorization, courseId, itemId).finally(() => inflight.delete(key));
        inflight.set(key, pending);
      }
      const answer = await pending;
      if (answer.allowed && cacheSeconds > 0) {
        if (cache.size > 50_000) cache.clear();
        cache.set(key, { answer, until: now + cacheSeconds * 1000 });
      }
      return answer;
    },
    close: () => client.close(),
  };
}
