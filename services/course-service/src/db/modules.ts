import type { Tx } from '@eduspry/common';
import type { ItemKind } from '../domain/rules.ts';

export type { ItemKind };

export interface ModuleRow {
  id: string;
  courseId: string;
  position: number;
  title: string;
  published: boolean;
  unlockAt: Date | null;
  requiresModuleId: string | null;
}

export interface ItemRow {
  id: string;
  courseId: string;
  moduleId: string;
  position: number;
  kind: ItemKind;
  title: string;
  body: string | null;
  url: string | null;
  fileId: string | null;
  assessmentId: string | null;
  published: boolean;
}

const moduleColumns = (tx: Tx) => tx`
  id, course_id as "courseId", position, title, published, unlock_at as "unlockAt",
  requires_module_id as "requiresModuleId"`;
const itemColumns = (tx: Tx) => tx`
  id, course_id as "courseId", module_id as "moduleId", position, kind, title, body, url,
  file_id as "fileId", assessment_id as "assessmentId", published`;

export async function listModules(tx: Tx, courseId: string): Promise<ModuleRow[]> {
  return tx<ModuleRow[]>`
    select ${moduleColumns(tx)} from course.modules where course_id = ${courseId} order by position`;
}

export async function findModule(tx: Tx, courseId: string, moduleId: string): Promise<ModuleRow | undefined> {
  const [row] = await tx<ModuleRow[]>`
    select ${moduleColumns(tx)} from course.modules where id = ${moduleId} and course_id = ${courseId}`;
  return row;
}

export async function insertModule(
  tx: Tx,
  module: {
    tenantId: string;
    courseId: string;
    title: string;
    published: boolean;
    unlockAt: string | null;
    requiresModuleId: string | null;
  },
): Promise<ModuleRow> {
  const [row] = await tx<ModuleRow[]>`
    insert into course.modules (tenant_id, course_id, position, title, published, unlock_at, requires_module_id)
    values (${module.tenantId}, ${module.courseId},
            (select coalesce(max(position) + 1, 0) from course.modules where course_id = ${module.courseId}),
            ${module.title}, ${module.published}, ${module.unlockAt}, ${module.requiresModuleId})
    returning ${moduleColumns(tx)}`;
  return row!;
}

export async function updateModule(
  tx: Tx,
  moduleId: string,
  patch: Partial<{
    title: string;
    published: boolean;
    unlockAt: string | null;
    requiresModuleId: string | null;
  }>,
): Promise<void> {
  const names = {
    title: 'title',
    published: 'published',
    unlockAt: 'unlock_at',
    requiresModuleId: 'requires_module_id',
  };
  const changes = Object.fromEntries(
    Object.entries(patch)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [names[key as keyof typeof names], value]),
  );
  if (Object.keys(changes).length === 0) return;
  await tx`update course.modules set ${tx(changes)}, updated_at = now() where id = ${moduleId}`;
}

/** Locks a module's row for a change of its schedule: changes of one module queue behind each other. */
export async function lockModule(tx: Tx, moduleId: string): Promise<void> {
  await tx`select 1 from course.modules where id = ${moduleId} for no key update`;
}

export interface ModuleSchedule {
  published: boolean;
  unlockAt: Date | null;
  itemIds: string[];
  /** The database clock now: read under lockModule, later changes of the module read a later one. */
  changedAt: Date;
}

/** A module's schedule as it stands in this transaction; undefined when the module does not exist. */
export async function moduleSchedule(tx: Tx, moduleId: string): Promise<ModuleSchedule | undefined> {
  const [row] = await tx<ModuleSchedule[]>`
    select m.published, m.unlock_at as "unlockAt",
      array(select i.id from course.items i where i.module_id = m.id and i.published order by i.position)::text[]
        as "itemIds",
      clock_timestamp() as "changedAt"
    from course.modules m where m.id = ${moduleId}`;
  return row;
}

/** Rewrites positions 0..n-1 in the given order; the unique constraint is checked at commit. */
export async function reorder(tx: Tx, table: 'modules' | 'items', ids: string[]): Promise<void> {
  const target = table === 'modules' ? tx`course.modules` : tx`course.items`;
  await tx`
    update ${target} t set position = o.position - 1, updated_at = now()
    from unnest(${ids}::uuid[]) with ordinality as o(id, position)
    where t.id = o.id`;
}

export async function listItems(tx: Tx, courseId: string, moduleId?: string): Promise<ItemRow[]> {
  return tx<ItemRow[]>`
    select ${itemColumns(tx)} from course.items
    where course_id = ${courseId} ${moduleId ? tx`and module_id = ${moduleId}` : tx``}
    order by module_id, position`;
}

export async function findItem(tx: Tx, courseId: string, itemId: string): Promise<ItemRow | undefined> {
  const [row] = await tx<ItemRow[]>`
    select ${itemColumns(tx)} from course.items where id = ${itemId} and course_id = ${courseId}`;
  return row;
}

/** Several items of one course at once (a batch of access checks): by id. */
export async function findItems(tx: Tx, courseId: string, itemIds: string[]): Promise<Map<string, ItemRow>> {
  const rows = await tx<ItemRow[]>`
    select ${itemColumns(tx)} from course.items where course_id = ${courseId} and id = any(${itemIds}::uuid[])`;
  return new Map(rows.map((row) => [row.id, row]));
}

export interface NewItem {
  tenantId: string;
  courseId: string;
  moduleId: string;
  kind: ItemKind;
  title: string;
  body: string | null;
  url: string | null;
  fileId: string | null;
  assessmentId: string | null;
  published: boolean;
}

export async function insertItem(tx: Tx, item: NewItem): Promise<ItemRow> {
  const [row] = await tx<ItemRow[]>`
    insert into course.items (tenant_id, course_id, module_id, position, kind, title, body, url, file_id,
                              assessment_id, published)
    values (${item.tenantId}, ${item.courseId}, ${item.moduleId},
            (select coalesce(max(position) + 1, 0) from course.items where module_id = ${item.moduleId}),
            ${item.kind}, ${item.title}, ${item.body}, ${item.url}, ${item.fileId}, ${item.assessmentId},
            ${item.published})
    returning ${itemColumns(tx)}`;
  return row!;
}

/**
 * Deletes one item, or every item of a module, and answers what they were (their completions go
 * with them, by cascade). Positions keep a gap until `closeGaps`.
 */
export async function deleteItems(
  tx: Tx,
  courseId: string,
  which: { itemId: string } | { moduleId: string },
): Promise<ItemRow[]> {
  return tx<ItemRow[]>`
    delete from course.items
    where course_id = ${courseId}
      and ${'itemId' in which ? tx`id = ${which.itemId}` : tx`module_id = ${which.moduleId}`}
    returning ${itemColumns(tx)}`;
}

/** Deletes a module (its items must be deleted first, to be answered); false when there was none. */
export async function deleteModule(tx: Tx, courseId: string, moduleId: string): Promise<boolean> {
  const rows =
    await tx`delete from course.modules where id = ${moduleId} and course_id = ${courseId} returning 1`;
  return rows.length === 1;
}

/** Positions 0..n-1 again, in their order, after a deletion left a gap (checked at commit). */
export async function closeGaps(tx: Tx, within: { moduleId: string } | { courseId: string }): Promise<void> {
  const [target, parent] =
    'moduleId' in within
      ? [tx`course.items`, tx`module_id = ${within.moduleId}`]
      : [tx`course.modules`, tx`course_id = ${within.courseId}`];
  await tx`
    update ${target} t set position = o.position - 1, updated_at = now()
    from (select id, row_number() over (order by position) as position from ${target} where ${parent}) o
    where t.id = o.id and t.position <> o.position - 1`;
}

export async function updateItem(
  tx: Tx,
  itemId: string,
  patch: Partial<{ title: string; published: boolean; body: string | null; url: string | null }>,
): Promise<void> {
  const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  if (Object.keys(changes).length === 0) return;
  await tx`update course.items set ${tx(changes)}, updated_at = now() where id = ${itemId}`;
}

/**
 * Per module of a course: how many published items it has and how many of them the user
 * completed. Drives unlock rules (prerequisite complete?) and progress percentages.
 */
export async function moduleProgress(
  tx: Tx,
  courseId: string,
  userId: string,
): Promise<Map<string, { total: number; completed: number }>> {
  const rows = await tx<{ moduleId: string; total: number; completed: number }[]>`
    select m.id as "moduleId",
           count(i.id) filter (where i.published)::int as total,
           count(ic.item_id) filter (where i.published)::int as completed
    from course.modules m
    left join course.items i on i.module_id = m.id
    left join course.item_completions ic on ic.item_id = i.id and ic.user_id = ${userId}
    where m.course_id = ${courseId}
    group by m.id`;
  return new Map(rows.map((row) => [row.moduleId, { total: row.total, completed: row.completed }]));
}

export async function completeItem(
  tx: Tx,
  item: { tenantId: string; itemId: string; courseId: string; moduleId: string; userId: string },
): Promise<{ completedAt: Date; first: boolean }> {
  // xmax = 0 only on a row this statement inserted: the first completion, not a repeat.
  const [row] = await tx<{ completedAt: Date; first: boolean }[]>`
    insert into course.item_completions (tenant_id, item_id, user_id, course_id, module_id)
    values (${item.tenantId}, ${item.itemId}, ${item.userId}, ${item.courseId}, ${item.moduleId})
    on conflict (item_id, user_id) do update set completed_at = course.item_completions.completed_at
    returning completed_at as "completedAt", (xmax = 0) as first`;
  return row!;
}

export async function completedItemIds(tx: Tx, courseId: string, userId: string): Promise<Set<string>> {
  const rows = await tx<{ itemId: string }[]>`
    select item_id as "itemId" from course.item_completions where course_id = ${courseId} and user_id = ${userId}`;
  return new Set(rows.map((row) => row.itemId));
}

export interface SectionRow {
  id: string;
  courseId: string;
  name: string;
  startsOn: string | null;
  endsOn: string | null;
  instructorIds: string[];
}

const sectionColumns = (tx: Tx) => tx`
  id, course_id as "courseId", name, starts_on::text as "startsOn", ends_on::text as "endsOn",
  instructor_ids as "instructorIds"`;

export async function listSections(tx: Tx, courseId: string): Promise<SectionRow[]> {
  return tx<SectionRow[]>`
    select ${sectionColumns(tx)} from course.sections where course_id = ${courseId} order by name`;
}

export async function insertSection(
  tx: Tx,
  section: Omit<SectionRow, 'id'> & { tenantId: string },
): Promise<SectionRow | undefined> {
  const [row] = await tx<SectionRow[]>`
    insert into course.sections (tenant_id, course_id, name, starts_on, ends_on, instructor_ids)
    values (${section.tenantId}, ${section.courseId}, ${section.name}, ${section.startsOn}, ${section.endsOn},
            ${section.instructorIds}::uuid[])
    on conflict (course_id, name) do nothing
    returning ${sectionColumns(tx)}`;
  return row;
}

export async function updateSection(
  tx: Tx,
  courseId: string,
  sectionId: string,
  patch: Partial<{ name: string; startsOn: string | null; endsOn: string | null; instructorIds: string[] }>,
): Promise<SectionRow | undefined> {
  const names = { name: 'name', startsOn: 'starts_on', endsOn: 'ends_on', instructorIds: 'instructor_ids' };
  const changes = Object.fromEntries(
    Object.entries(patch)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [names[key as keyof typeof names], value]),
  );
  const [row] = await tx<SectionRow[]>`
    update course.sections set ${tx({ ...changes, updated_at: new Date() })}
    where id = ${sectionId} and course_id = ${courseId}
    returning ${sectionColumns(tx)}`;
  return row;
}
