import type { Tx } from '@eduspry/common';
import type { EventEnvelope } from '@eduspry/contracts';
import { deleteCourseMember, upsertCourseMember } from '../db/members.ts';

interface EnrollmentChanged {
  userId: string;
  courseId: string;
  action: 'enrolled' | 'unenrolled';
}

/** Runs in the consumer's transaction (the service role): the effect happens once per event. */
export async function recordEnrollmentChange(tx: Tx, event: EventEnvelope): Promise<void> {
  const data = event.data as unknown as EnrollmentChanged;
  if (data.action === 'enrolled') await upsertCourseMember(tx, event.tenantId, data.courseId, data.userId);
  else await deleteCourseMember(tx, data.courseId, data.userId);
}
