import { type Sql, withTenant } from '@eduspry/common';
import type { Logger } from '@eduspry/logging';
import {
  type ChangeRow,
  changesAfter,
  deleteChangesBefore,
  latestChangeId,
  visibleKeys,
} from '../db/changes.ts';
import { OutFrame } from '../transport/out-frame.ts';
import type { Hub, Member } from './hub.ts';
import { matchesEvent, matchesFilter } from './rules.ts';

const BATCH = 500;

export interface ChangeFeed {
  close(): Promise<void>;
}

interface Candidate {
  member: Member;
  ids: number[];
}

/**
 * postgres_changes: triggers write changes of opted-in tables into live.changes and NOTIFY
 * live_changes; this feed reads new rows in id order, matches them against the subscribers'
 * bindings (schema, table, event, filter, tenant), and for INSERT/UPDATE re-reads the rows under
 * each subscriber's claims, one statement per table and subscriber per batch, so the table's
 * own RLS decides who gets which row. DELETEs cannot be re-read: like Supabase they carry only
 * the primary key, and go to subscribers of the row's tenant.
 */
export async function startChangeFeed(
  sql: Sql,
  hub: Hub,
  log: Logger,
  retentionSeconds: number,
): Promise<ChangeFeed> {
  let last = await latestChangeId(sql);
  let running = false;
  let again = false;
  let closed = false;

  const drain = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const rows = await changesAfter(sql, last, BATCH);
        if (rows.length === 0) break;
        last = rows.at(-1)!.id;
        await deliver(sql, hub, rows, log);
        if (rows.length === BATCH) again = true;
      } while (again && !closed);
    } catch (error) {
      log.error({ err: error }, 'delivering row changes failed');
    } finally {
      running = false;
    }
  };

  const listener = await sql.listen('live_changes', () => void drain());
  // NOTIFY is not durable across a dropped listen connection: poll as a fallback.
  const poll = setInterval(() => void drain(), 2000);
  poll.unref();
  const sweep = setInterval(() => {
    deleteChangesBefore(sql, new Date(Date.now() - retentionSeconds * 1000)).catch((error: unknown) =>
      log.error({ err: error }, 'sweeping live.changes failed'),
    );
  }, 60_000);
  sweep.unref();
  return {
    async close() {
      closed = true;
      clearInterval(poll);
      clearInterval(sweep);
      await listener.unlisten();
    },
  };
}

function candidatesFor(hub: Hub, change: ChangeRow): Candidate[] {
  const record = change.operation === 'DELETE' ? change.old_record : change.record;
  const found: Candidate[] = [];
  for (const member of hub.members()) {
    if (member.changes.length === 0) continue;
    const claims = member.claims;
    const sameTenant = claims.app_metadata.tenant_id === change.tenant_id;
    if (!sameTenant && !claims.app_metadata.roles.includes('super_admin')) continue;
    const ids: number[] = [];
    for (const binding of member.changes) {
      if (binding.schema !== '*' && binding.schema !== change.schema_name) continue;
      if (binding.table !== undefined && binding.table !== '*' && binding.table !== change.table_name)
        continue;
      if (!matchesEvent(binding.event, change.operation)) continue;
      if (!matchesFilter(record, binding.parsed)) continue;
      ids.push(binding.id);
    }
    if (ids.length) found.push({ member, ids });
  }
  return found;
}

function frameFor(member: Member, change: ChangeRow, ids: number[]): OutFrame {
  const oldKeys = change.operation === 'INSERT' ? {} : change.primary_key;
  return new OutFrame(null, null, member.topic, 'postgres_changes', {
    ids,
    data: {
      schema: change.schema_name,
      table: change.table_name,
      commit_timestamp: change.committed_at.toISOString(),
      type: change.operation,
      columns: change.columns,
      record: change.operation === 'DELETE' ? {} : change.record,
      old_record: oldKeys,
      errors: null,
    },
  });
}

async function deliver(sql: Sql, hub: Hub, rows: ChangeRow[], log: Logger): Promise<void> {
  // member → its matching changes of this batch (in order) with the binding ids.
  const perMember = new Map<Member, { change: ChangeRow; ids: number[] }[]>();
  // Sockets of the same user (tabs, devices) share one visibility check per batch.
  const perUser = new Map<string, { member: Member; changes: Set<ChangeRow> }>();
  for (const change of rows) {
    for (const { member, ids } of candidatesFor(hub, change)) {
      let list = perMember.get(member);
      if (!list) {
        list = [];
        perMember.set(member, list);
      }
      list.push({ change, ids });
      const key = claimsKey(member);
      let user = perUser.get(key);
      if (!user) {
        user = { member, changes: new Set() };
        perUser.set(key, user);
      }
      user.changes.add(change);
    }
  }
  const visibleByUser = new Map<string, Set<ChangeRow>>();
  await Promise.all(
    [...perUser].map(async ([key, { member, changes }]) => {
      const list = [...changes];
      // A subscriber whose check fails (say, a table its role may not read) gets nothing, others still do.
      const visible = await visibleTo(sql, member, list).catch((error: unknown) => {
        log.warn({ err: error, topic: member.topic }, 'row visibility check failed');
        return new Set<number>();
      });
      visibleByUser.set(key, new Set(list.filter((_, index) => visible.has(index))));
    }),
  );
  for (const [member, list] of perMember) {
    const visible = visibleByUser.get(claimsKey(member));
    for (const { change, ids } of list)
      if (visible?.has(change)) member.peer.send(frameFor(member, change, ids));
  }
}

function claimsKey(member: Member): string {
  const { sub, app_metadata } = member.claims;
  return `${sub}|${app_metadata.tenant_id}|${app_metadata.roles.join(',')}`;
}

/** Indexes of `changes` this member may see: DELETEs by tenant, the rest re-read under their claims. */
async function visibleTo(sql: Sql, member: Member, changes: ChangeRow[]): Promise<Set<number>> {
  const visible = new Set<number>();
  const byTable = new Map<string, { schema: string; table: string; indexes: number[] }>();
  for (const [index, change] of changes.entries()) {
    if (change.operation === 'DELETE') {
      visible.add(index);
      continue;
    }
    const key = `${change.schema_name}.${change.table_name}`;
    let group = byTable.get(key);
    if (!group) {
      group = { schema: change.schema_name, table: change.table_name, indexes: [] };
      byTable.set(key, group);
    }
    group.indexes.push(index);
  }
  if (byTable.size === 0) return visible;
  await withTenant(sql, member.claims, async (tx) => {
    for (const { schema, table, indexes } of byTable.values()) {
      const seen = await visibleKeys(
        tx,
        schema,
        table,
        indexes.map((index) => changes[index]!.primary_key),
      );
      for (const position of seen) visible.add(indexes[position]!);
    }
  });
  return visible;
}
