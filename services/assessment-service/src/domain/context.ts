import type { PlatformLogger, Sql, TenantClaims } from '@eduspry/common';
import type { CourseAccess } from '../grpc/course-access.ts';
import type { AssessmentEvents } from './events.ts';
import type { LiveFeed } from './live.ts';

/** What the domain needs from the outside world; built once in app.ts. */
export interface AssessmentContext {
  sql: Sql;
  courses: CourseAccess;
  events: AssessmentEvents;
  /** Attempts' progress for the course staff's live view of a running quiz. */
  live: LiveFeed;
  log: PlatformLogger & { warn(fields: Record<string, unknown>, message: string): void };
  /** Saves and submits this many seconds past an attempt's deadline still count. */
  graceSeconds: number;
  /** The clock (tests move it). */
  now(): Date;
}

/** Who is asking: their verified claims and the header to forward to course-service. */
export interface Caller {
  claims: TenantClaims;
  authorization: string;
}
