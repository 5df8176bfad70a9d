import type { Sql } from '@eduspry/common';

export async function parkClusterMessage(sql: Sql, body: string): Promise<string> {
  const [row] = await sql<
    { id: string }[]
  >`insert into live.cluster_messages (body) values (${body}) returning id::text`;
  return row!.id;
}

export async function readClusterMessage(sql: Sql, id: string): Promise<string | undefined> {
  const [row] = await sql<
    { body: string }[]
  >`select body from live.cluster_messages where id = ${id}::bigint`;
  return row?.body;
}

export async function deleteOldClusterMessages(sql: Sql): Promise<void> {
  await sql`delete from live.cluster_messages where created_at < now() - interval '1 minute'`;
}
