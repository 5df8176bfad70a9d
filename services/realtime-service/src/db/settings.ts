import type { Tx } from '@eduspry/common';

export type CoursePresence = 'everyone' | 'staff' | 'off';

export interface PresenceSettings {
  coursePresence: CoursePresence;
}

export const DEFAULT_PRESENCE: PresenceSettings = { coursePresence: 'everyone' };

export async function findPresenceSettings(tx: Tx, tenantId: string): Promise<PresenceSettings> {
  const [row] = await tx<PresenceSettings[]>`
    select course_presence as "coursePresence" from live.settings where tenant_id = ${tenantId}`;
  return row ?? DEFAULT_PRESENCE;
}

export async function upsertPresenceSettings(
  tx: Tx,
  tenantId: string,
  settings: PresenceSettings,
): Promise<PresenceSettings> {
  const [row] = await tx<PresenceSettings[]>`
    insert into live.settings (tenant_id, course_presence) values (${tenantId}, ${settings.coursePresence})
    on conflict (tenant_id) do update set course_presence = excluded.course_presence, updated_at = now()
    returning course_presence as "coursePresence"`;
  return row!;
}
