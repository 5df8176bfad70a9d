import type { TenantClaims } from '@eduspry/common';
import type { ProtoGrpcType } from '@eduspry/contracts/grpc/course';
import type { CheckAccessRequest } from '@eduspry/contracts/grpc/eduspry/course/v1/CheckAccessRequest';
import type { CheckAccessStreamResponse__Output } from '@eduspry/contracts/grpc/eduspry/course/v1/CheckAccessStreamResponse';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import { LRUCache } from 'lru-cache';
import { problems } from '../problems.ts';

const PROTO_PATH = new URL(import.meta.resolve('@eduspry/contracts/proto/course.proto')).pathname;

export interface AccessAnswer {
  allowed: boolean;
  /** course-service's reason, or `not-found` when the course or item does not exist for the caller. */
  reason: string;
}

export interface AccessQuestion {
  token: string;
  claims: TenantClaims;
  courseId: string;
  itemId?: string | null;
}

/** The one question content-service asks course-service: may this caller open this course or item? */
export interface CourseAccess {
  check(request: AccessQuestion): Promise<AccessAnswer>;
  /**
   * The same question for many courses or items of one caller (a listing, a page of links):
   * the uncached ones over one CheckAccessStream, or as unary CheckAccess calls when the stream
   * is unavailable. Answers in the order asked.
   */
  checkMany(
    caller: { token: string; claims: TenantClaims },
    targets: AccessTarget[],
  ): Promise<AccessAnswer[]>;
  /** `closed`, `open`, `halfOpen` or `isolated`. */
  circuitState(): string;
  close(): void;
}

export interface AccessTarget {
  courseId: string;
  itemId?: string | null;
}

export interface CourseAccessOptions {
  /** host:port of course-service's gRPC server. */
  address: string;
  deadlineMs: number;
  cacheMs: number;
  breakerThreshold: number;
  halfOpenAfterMs?: number;
  /** How long to stay on unary calls after the stream was refused (an older course-service). */
  streamRetryAfterMs?: number;
}

/** A check failed this way means the target does not exist for the caller: an answer, not a failure. */
const ABSENT = new Set([grpc.status.NOT_FOUND, grpc.status.INVALID_ARGUMENT, grpc.status.PERMISSION_DENIED]);

/** Failures of course-service itself (not answers): these count against the breaker. */
const TRANSIENT = new Set([
  grpc.status.UNAVAILABLE,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.RESOURCE_EXHAUSTED,
]);

/**
 * CheckAccess over gRPC (@grpc/grpc-js), forwarding the user's token as `authorization`
 * metadata so course-service decides under that user's tenant and RLS. Each call has a
 * deadline; consecutive transient failures open a cockatiel circuit breaker (the gateway's
 * library) so a down course-service costs a fast 503, not a timeout per request; answers are
 * cached briefly per tenant, user, course and item, because a lecture hall of 300 opening the
 * same video must not be 300 gRPC calls per second each.
 */
export function createCourseAccess(options: CourseAccessOptions): CourseAccess {
  const definition = protoLoader.loadSync(PROTO_PATH, { keepCase: true, defaults: true, longs: String });
  // Typed by the generated stubs (packages/contracts/src/grpc, from course.proto).
  const { CourseAccess } = (grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType).eduspry.course
    .v1;
  const client = new CourseAccess(options.address, grpc.credentials.createInsecure());
  const breaker = circuitBreaker(
    handleWhen((error) => TRANSIENT.has((error as grpc.ServiceError).code)),
    {
      halfOpenAfter: options.halfOpenAfterMs ?? 5000,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    },
  );
  const cache = new LRUCache<string, AccessAnswer>({ max: 50_000, ttl: Math.max(1, options.cacheMs) });

  const call = (token: string, request: CheckAccessRequest) =>
    new Promise<AccessAnswer>((resolve, reject) => {
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      client.CheckAccess(
        request,
        metadata,
        { deadline: Date.now() + options.deadlineMs },
        (error, response) =>
          error || !response
            ? reject(error ?? new Error('CheckAccess answered nothing'))
            : resolve({ allowed: response.allowed, reason: response.reason }),
      );
    });

  const keyOf = (claims: TenantClaims, courseId: string, itemId?: string | null) =>
    `${claims.app_metadata.tenant_id}:${claims.sub}:${courseId}:${itemId ?? ''}`;
  let streamRefusedUntil = 0;

  /**
   * The targets over one stream, under one deadline. Resolves with an answer or undefined per
   * target (undefined: that check failed transiently; the caller asks it again unary), or
   * rejects with the stream's own status when the stream as a whole failed.
   */
  const streamed = (token: string, targets: AccessTarget[]) =>
    new Promise<(AccessAnswer | undefined)[]>((resolve, reject) => {
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      const stream = client.CheckAccessStream(metadata, { deadline: Date.now() + options.deadlineMs });
      const answers: (AccessAnswer | undefined)[] = targets.map(() => undefined);
      stream.on('data', (answer: CheckAccessStreamResponse__Output) => {
        const i = Number(answer.id);
        if (!Number.isInteger(i) || i < 0 || i >= targets.length) return;
        if (answer.code === grpc.status.OK) answers[i] = { allowed: answer.allowed, reason: answer.reason };
        else if (ABSENT.has(answer.code)) answers[i] = { allowed: false, reason: 'not-found' };
      });
      stream.on('error', () => {}); // the status below carries it
      stream.on('status', (status: grpc.StatusObject) =>
        status.code === grpc.status.OK
          ? resolve(answers)
          : reject(Object.assign(new Error(status.details), status)),
      );
      // The server bounds what it holds in flight; write()'s backpressure only buffers here.
      for (const [i, target] of targets.entries())
        stream.write({ id: String(i), course_id: target.courseId, item_id: target.itemId ?? '' });
      stream.end();
    });

  const access: CourseAccess = {
    async checkMany({ token, claims }, targets) {
      const answers = targets.map((t) =>
        options.cacheMs > 0 ? cache.get(keyOf(claims, t.courseId, t.itemId)) : undefined,
      );
      const missing = [
        ...new Set(targets.filter((_, i) => !answers[i]).map((t) => keyOf(claims, t.courseId, t.itemId))),
      ];
      const unique = missing.map((key) => targets.find((t) => keyOf(claims, t.courseId, t.itemId) === key)!);
      let fetched: (AccessAnswer | undefined)[] = unique.map(() => undefined);
      if (unique.length > 1 && Date.now() >= streamRefusedUntil && breaker.state === CircuitState.Closed) {
        try {
          fetched = await streamed(token, unique);
        } catch (error) {
          const code = (error as grpc.StatusObject).code;
          if (code === grpc.status.UNAUTHENTICATED)
            throw problems.create('unauthorized', 'The access token is not valid');
          // An older course-service without the stream: unary until it is worth asking again.
          if (code === grpc.status.UNIMPLEMENTED)
            streamRefusedUntil = Date.now() + (options.streamRetryAfterMs ?? 60_000);
        }
      }
      // What the stream did not answer (it is unavailable, or one check failed) goes unary,
      // with the breaker and its 503.
      const settled = await Promise.all(
        unique.map((target, i) => {
          const answer = fetched[i];
          if (!answer) return access.check({ token, claims, ...target });
          if (options.cacheMs > 0) cache.set(keyOf(claims, target.courseId, target.itemId), answer);
          return answer;
        }),
      );
      const byKey = new Map(unique.map((t, i) => [keyOf(claims, t.courseId, t.itemId), settled[i]!]));
      return targets.map((t, i) => answers[i] ?? byKey.get(keyOf(claims, t.courseId, t.itemId))!);
    },

    async check({ token, claims, courseId, itemId }) {
      const key = keyOf(claims, courseId, itemId);
      const cached = options.cacheMs > 0 ? cache.get(key) : undefined;
      if (cached) return cached;
      let answer: AccessAnswer;
      try {
        answer = await breaker.execute(() => call(token, { course_id: courseId, item_id: itemId ?? '' }));
      } catch (error) {
        if (error instanceof BrokenCircuitError)
          throw problems.create('course-service-unavailable', 'course-service is failing; try again shortly');
        const code = (error as grpc.ServiceError).code;
        if (code === grpc.status.UNAUTHENTICATED)
          throw problems.create('unauthorized', 'The access token is not valid');
        // The course or item does not exist for this caller, or the ids are not even well formed.
        if (
          code === grpc.status.NOT_FOUND ||
          code === grpc.status.INVALID_ARGUMENT ||
          code === grpc.status.PERMISSION_DENIED
        )
          answer = { allowed: false, reason: 'not-found' };
        else
          throw problems.create(
            'course-service-unavailable',
            `course-service did not answer CheckAccess (${code})`,
          );
      }
      if (options.cacheMs > 0) cache.set(key, answer);
      return answer;
    },
    circuitState: () => ['closed', 'open', 'halfOpen', 'isolated'][breaker.state] ?? String(breaker.state),
    close: () => client.close(),
  };
  return access;
}
