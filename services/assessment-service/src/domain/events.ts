import type { Tx } from '@eduspry/common';
import { createEvent, type GradePostedV1, type SubmittedV1 } from '@eduspry/contracts';
import { appendAllToOutbox, type OutboxEntry } from '@eduspry/event-bus';

/**
 * The one place assessment-service emits events. Implementations write inside `tx` (the
 * transactional outbox, `assessment.outbox`), so an event exists exactly when its change committed.
 */
export interface AssessmentEvents {
  attemptSubmitted(tx: Tx, tenantId: string, data: SubmittedV1): Promise<void>;
  gradesPosted(tx: Tx, tenantId: string, grades: GradePostedV1[]): Promise<void>;
}

export const outboxEvents: AssessmentEvents = {
  async attemptSubmitted(tx, tenantId, data) {
    await appendAllToOutbox(tx, [
      {
        schema: 'assessment',
        key: data.attemptId,
        event: createEvent('assessment.attempt.submitted', { tenantId, data, timestamp: data.submittedAt }),
      },
    ]);
  },
  async gradesPosted(tx, tenantId, grades) {
    const entries: OutboxEntry[] = grades.map((data) => ({
      schema: 'assessment',
      key: data.quizId,
      event: createEvent('assessment.grading.grade_posted', { tenantId, data, timestamp: data.postedAt }),
    }));
    await appendAllToOutbox(tx, entries);
  },
};
