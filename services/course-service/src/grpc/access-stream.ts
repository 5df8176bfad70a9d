import { isUuid } from '@eduspry/contracts';
import type { CheckAccessStreamRequest__Output } from '@eduspry/contracts/grpc/eduspry/course/v1/CheckAccessStreamRequest';
import type { CheckAccessStreamResponse__Output } from '@eduspry/contracts/grpc/eduspry/course/v1/CheckAccessStreamResponse';
import * as grpc from '@grpc/grpc-js';
import { type AccessCheck, type AccessOutcome, checkAccessMany } from '../domain/progress.ts';
import { type GrpcDeps, toGrpcError } from './server.ts';

/** What the server reads (defaults filled by proto-loader) and writes, generated from course.proto. */
export type CheckAccessStreamRequest = CheckAccessStreamRequest__Output;
export type CheckAccessStreamResponse = CheckAccessStreamResponse__Output;

export interface StreamLimits {
  /** Unanswered checks per stream; at this many the server stops reading (HTTP/2 pushes back). */
  maxInFlight: number;
  /** Checks answered by one `checkAccessMany` (one transaction). */
  maxBatch: number;
  /** Batches of one stream running at once (a second one hides the first one's round trip). */
  maxBatchesInFlight: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxInFlight: 256, maxBatch: 128, maxBatchesInFlight: 2 };

const MAX_ID_LENGTH = 128;

interface Pending {
  id: string;
  check: AccessCheck;
  timer?: NodeJS.Timeout | undefined;
  answered: boolean;
}

function stampedRemaining(deadline: grpc.Deadline): number | undefined {
  const at = deadline instanceof Date ? deadline.getTime() : Number(deadline);
  return Number.isFinite(at) ? at - Date.now() : undefined;
}

/** The request's problem as CheckAccess would have reported it, or undefined when well formed. */
function malformed(request: CheckAccessStreamRequest, userId: string): string | undefined {
  if (!request.id || request.id.length > MAX_ID_LENGTH) return `id must be 1-${MAX_ID_LENGTH} characters`;
  if (!isUuid(userId)) return 'user_id must be a uuid';
  if (!isUuid(request.course_id)) return 'course_id must be a uuid';
  if (request.item_id !== '' && !isUuid(request.item_id)) return 'item_id must be a uuid';
  return undefined;
}

/**
 * CheckAccessStream: transport only. It reads checks, answers each one by id, and hands what
 * arrived together (up to `maxBatch`) to the one use case, `checkAccessMany`, under the
 * stream's claims. Flow control: reading pauses while `maxInFlight` checks are unanswered or
 * while `write()` reports a full buffer (until `drain`), so a fast sender or a slow reader
 * holds at most a bounded amount of work here. Deadlines: the call's deadline bounds every
 * batch (statement_timeout); a check's `timeout_ms` answers DEADLINE_EXCEEDED for it alone.
 */
export function checkAccessStream(
  deps: GrpcDeps,
  limits: StreamLimits = DEFAULT_STREAM_LIMITS,
): grpc.handleBidiStreamingCall<CheckAccessStreamRequest, CheckAccessStreamResponse> {
  const ctx = { sql: deps.sql };
  return (call) => {
    const inFlight = new Map<string, Pending>();
    const queue: Pending[] = [];
    let batches = 0;
    let flushScheduled = false;
    let writeBlocked = false;
    let halfClosed = false;
    let closed = false;
    let claims: Awaited<ReturnType<GrpcDeps['authenticate']>> | undefined;

    const fail = (status: Partial<grpc.StatusObject>) => {
      if (closed) return;
      closed = true;
      for (const pending of inFlight.values()) clearTimeout(pending.timer);
      inFlight.clear();
      call.emit('error', status);
    };
    const finishIfDone = () => {
      if (!closed && halfClosed && inFlight.size === 0) {
        closed = true;
        call.end();
      }
    };
    const adjustReading = () => {
      if (closed) return;
      if (writeBlocked || inFlight.size >= limits.maxInFlight) call.pause();
      else call.resume();
    };
    const reply = (response: CheckAccessStreamResponse) => {
      if (closed) return;
      if (!call.write(response)) writeBlocked = true;
    };
    const answer = (pending: Pending, outcome: AccessOutcome | Partial<grpc.StatusObject>) => {
      if (pending.answered) return;
      pending.answered = true;
      clearTimeout(pending.timer);
      inFlight.delete(pending.id);
      if ('allowed' in outcome) reply({ id: pending.id, ...outcome, code: grpc.status.OK, message: '' });
      else {
        const status = 'problem' in outcome ? toGrpcError(outcome.problem) : outcome;
        reply({
          id: pending.id,
          allowed: false,
          reason: '',
          code: status.code ?? grpc.status.INTERNAL,
          message: status.details ?? '',
        });
      }
      adjustReading();
      finishIfDone();
    };

    const runBatch = async (batch: Pending[]) => {
      const live = batch.filter((p) => !p.answered);
      if (live.length === 0) return;
      const exp = Number(claims?.exp);
      if (Number.isFinite(exp) && exp * 1000 <= Date.now()) {
        fail({ code: grpc.status.UNAUTHENTICATED, details: 'the access token expired' });
        return;
      }
      const timeoutMs = stampedRemaining(call.getDeadline());
      try {
        const outcomes = await checkAccessMany(
          ctx,
          claims!,
          live.map((p) => p.check),
          { timeoutMs },
        );
        for (const [i, pending] of live.entries()) answer(pending, outcomes[i]!);
      } catch (error) {
        const status = toGrpcError(error);
        if (status.code === grpc.status.INTERNAL)
          deps.logger?.error({ err: error, rpc: 'CheckAccessStream' }, 'gRPC batch failed');
        for (const pending of live) answer(pending, status);
      }
    };
    const flush = () => {
      flushScheduled = false;
      while (!closed && batches < limits.maxBatchesInFlight && queue.length > 0) {
        batches++;
        void runBatch(queue.splice(0, limits.maxBatch)).finally(() => {
          batches--;
          flush();
        });
      }
    };
    // Gather what arrives within one turn of the event loop into one batch.
    const scheduleFlush = () => {
      if (flushScheduled) return;
      flushScheduled = true;
      setImmediate(flush);
    };

    const early: CheckAccessStreamRequest[] = [];
    const accept = (request: CheckAccessStreamRequest) => {
      if (closed) return;
      // Reading is paused until the token is verified; anything already buffered waits for it.
      if (!claims) {
        early.push(request);
        return;
      }
      const userId = (request.user_id || claims!.sub).toLowerCase();
      const pending: Pending = {
        id: request.id.length <= MAX_ID_LENGTH ? request.id : '',
        check: { userId, courseId: request.course_id, itemId: request.item_id || undefined },
        answered: false,
      };
      const problem = malformed(request, userId);
      if (problem || inFlight.has(pending.id)) {
        // Never registered as in flight, so a duplicate id cannot steal the original's answer.
        reply({
          id: pending.id,
          allowed: false,
          reason: '',
          code: grpc.status.INVALID_ARGUMENT,
          message: problem ?? 'id is already in flight on this stream',
        });
        return;
      }
      inFlight.set(pending.id, pending);
      if (request.timeout_ms > 0)
        pending.timer = setTimeout(
          () => answer(pending, { code: grpc.status.DEADLINE_EXCEEDED, details: 'check deadline exceeded' }),
          request.timeout_ms,
        );
      queue.push(pending);
      scheduleFlush();
      adjustReading();
    };

    call.on('data', accept);
    call.on('end', () => {
      halfClosed = true;
      finishIfDone();
    });
    call.on('drain', () => {
      writeBlocked = false;
      adjustReading();
    });
    call.on('cancelled', () => {
      closed = true;
      for (const pending of inFlight.values()) clearTimeout(pending.timer);
      inFlight.clear();
      queue.length = 0;
    });

    // Nothing is read until the stream's token is verified: the checks wait in HTTP/2's window.
    call.pause();
    const [authorization] = call.metadata.get('authorization');
    deps.authenticate(typeof authorization === 'string' ? authorization : undefined).then(
      (verified) => {
        claims = verified;
        for (const request of early.splice(0)) accept(request);
        adjustReading();
      },
      (error) => fail(toGrpcError(error)),
    );
  };
}
