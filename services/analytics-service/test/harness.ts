import { randomUUID } from 'node:crypto';
import { createTokenVerifier, type ServiceApp, type Sql } from '@eduspry/common';
import { adminDb, createTestTenant, serviceDb } from '@eduspry/common/testing';
import { createEvent, type EventDataMap, type EventEnvelope } from '@eduspry/contracts';
import { generateKeyPair, SignJWT } from 'jose';
import { buildApp } from '../src/app.ts';
import type { AnalyticsContext } from '../src/domain/context.ts';
import { ingestDomainEvent } from '../src/domain/ingest.ts';

const ISSUER = 'http://auth.test';
const keys = await generateKeyPair('EdDSA');

export interface Person {
  id: string;
  tenantId: string;
  token: string;
}

/** One app on the service's own role, tokens signed by a test key, and domain events fed as the consumer does. */
export class Harness {
  admin!: Sql;
  sql!: Sql;
  app!: ServiceApp;
  ctx!: AnalyticsContext;
  now = new Date();

  async start(): Promise<this> {
    this.admin = adminDb();
    this.sql = serviceDb('analytics-service');
    const tokenVerifier = createTokenVerifier({
      getKey: async () => keys.publicKey,
      issuer: ISSUER,
      audience: 'eduspry',
    });
    const built = await buildApp({ sql: this.sql, tokenVerifier, now: () => this.now });
    this.app = built.app;
    this.ctx = built.ctx;
    return this;
  }

  async stop(): Promise<void> {
    await this.app.close();
    await Promise.all([this.admin.end(), this.sql.end()]);
  }

  tenant = async () => (await createTestTenant(this.admin, 'analytics')).id;

  async person(tenantId: string, roles: string[] = ['student'], id = randomUUID()): Promise<Person> {
    const token = await new SignJWT({ role: 'authenticated', app_metadata: { tenant_id: tenantId, roles } })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject(id)
      .setIssuer(ISSUER)
      .setAudience('eduspry')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(keys.privateKey);
    return { id, tenantId, token };
  }

  async call(
    who: Person | string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) {
    const token = typeof who === 'string' ? who : who.token;
    const response = await this.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(payload !== undefined ? { payload: payload as never } : {}),
    });
    const type = String(response.headers['content-type'] ?? '');
    return {
      status: response.statusCode,
      type,
      text: response.body,
      body: type.includes('json') ? response.json() : undefined,
    };
  }

  event<K extends keyof EventDataMap & string>(type: K, tenantId: string, data: EventDataMap[K], at: Date) {
    return createEvent(type, { tenantId, data, timestamp: at.toISOString() });
  }

  /** What the bus consumer does with one event, in one transaction. */
  async deliver(event: EventEnvelope): Promise<void> {
    await this.sql.begin((tx) => ingestDomainEvent(tx, event));
  }

  enrolled(tenantId: string, userId: string, courseId: string, role: string, at: Date) {
    return this.event(
      'course.management.enrollment_changed',
      tenantId,
      {
        userId,
        courseId,
        action: 'enrolled',
        timestamp: at.toISOString(),
        role,
        sectionId: null,
        actorId: null,
      },
      at,
    );
  }

  graded(tenantId: string, userId: string, courseId: string, quizId: string, score: number, at: Date) {
    return this.event(
      'assessment.grading.grade_posted',
      tenantId,
      {
        quizId,
        courseId,
        userId,
        attemptId: null,
        score,
        pointsPossible: 10,
        source: 'auto',
        postedBy: null,
        postedAt: at.toISOString(),
      },
      at,
    );
  }

  /** A module's schedule as course-service tells it (published, with its unlock date and items). */
  scheduled(
    tenantId: string,
    courseId: string,
    moduleId: string,
    schedule: { unlockAt: Date | null; itemIds: string[]; published?: boolean; removed?: boolean },
    at: Date,
  ) {
    return this.event(
      'course.management.schedule_changed',
      tenantId,
      {
        courseId,
        moduleId,
        published: schedule.published ?? true,
        unlockAt: schedule.unlockAt?.toISOString() ?? null,
        itemIds: schedule.itemIds,
        removed: schedule.removed ?? false,
        changedBy: randomUUID(),
        changedAt: at.toISOString(),
      },
      at,
    );
  }

  completed(tenantId: string, userId: string, courseId: string, moduleId: string, itemId: string, at: Date) {
    return this.event(
      'course.progress.item_completed',
      tenantId,
      { userId, courseId, itemId, moduleId, position: 0, completedAt: at.toISOString() },
      at,
    );
  }

  /** A tenant's rollup rows, in a stable order, for comparing two ways of getting there. */
  async rollups(tenantId: string): Promise<Record<string, unknown[]>> {
    const out: Record<string, unknown[]> = {};
    for (const table of [
      'daily_activity',
      'student_items',
      'grades',
      'enrollments',
      'users',
      'course_schedules',
    ])
      out[table] = await this.admin.unsafe(
        `select * from analytics.${table} where tenant_id = $1 order by 1, 2, 3, 4`,
        [tenantId],
      );
    return out;
  }
}

export const track = (type: string, at: Date, extra: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type,
  at: at.toISOString(),
  ...extra,
});
