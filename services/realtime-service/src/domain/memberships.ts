import type { Tx } from '@eduspry/common';
import type { EnrollmentChangedV1, EventEnvelope } from '@eduspry/contracts';
import { deleteCourseMember, upsertCourseMember } from '../db/members.ts';

/**
 * Runs in the consumer's transaction (the service role): the effect happens once per event. The
 * course role is kept for the presence privacy setting (`staff`: only teachers and TAs show).
 */
export async function recordEnrollmentChange(tx: Tx, event: EventEnvelope): Promise<void> {
  const data = event.data as unknown as EnrollmentChangedV1;
  if (data.action === 'enrolled')
    await upsertCourseMember(tx, event.tenantId, data.courseId, data.userId, data.role ?? null);
  else await deleteCourseMember(tx, data.courseId, data.userId);
}
