import type { Tx } from '@eduspry/common';

export interface TopicRights {
  read: boolean;
  /** May broadcast (INSERT policies for the broadcast extension). */
  write: boolean;
  /** May track presence (INSERT policies for the presence extension: the tenant's privacy setting). */
  track: boolean;
}

/**
 * Supabase's way of authorising a private channel: inside the user's transaction, a probe row for
 * the topic is written as the service, then read back as the user (the SELECT policies say whether
 * they may join) and written as the user, once per extension (the INSERT policies say whether they
 * may broadcast, and whether they may track presence). A savepoint rolls all of it back;
 * live.messages stays empty.
 */
export async function probeTopicRights(tx: Tx, tenantId: string, topic: string): Promise<TopicRights> {
  await tx`savepoint live_probe`;
  try {
    await tx`select set_config('live.topic', ${topic}, true), set_config('role', 'realtime_service', true)`;
    const [probe] = await tx<{ id: string }[]>`
      insert into live.messages (tenant_id, topic, extension, private) values (${tenantId}, ${topic}, 'broadcast', true)
      returning id::text`;
    await tx`select set_config('role', 'authenticated', true)`;
    const readable = await tx`select 1 from live.messages where id = ${probe!.id}::bigint`;
    const mayInsert = async (extension: 'broadcast' | 'presence') => {
      await tx`savepoint live_probe_write`;
      try {
        await tx`insert into live.messages (tenant_id, topic, extension, private) values (${tenantId}, ${topic}, ${extension}, true)`;
        return true;
      } catch (error) {
        if ((error as { code?: string }).code !== '42501') throw error;
        await tx`rollback to savepoint live_probe_write`;
        return false;
      }
    };
    const write = await mayInsert('broadcast');
    const track = await mayInsert('presence');
    return { read: readable.length > 0, write, track };
  } finally {
    await tx`rollback to savepoint live_probe`;
    await tx`select set_config('role', 'authenticated', true), set_config('live.topic', '', true)`;
  }
}
