/** Names by user id from a course roster (course-service knows a name once its user registered). */
export type RosterNames = Record<string, string>;

export function rosterNames(
  roster: { userId: string; displayName: string | null }[] | null | undefined,
): RosterNames {
  return Object.fromEntries(
    (roster ?? []).flatMap((m) => (m.displayName ? [[m.userId, m.displayName]] : [])),
  );
}

/** A person as the staff pages show them: their name, else their id's first characters. */
export function personLabel(id: string, names: RosterNames): string {
  return names[id] ?? id.slice(0, 8);
}

export function Person({ id, names }: { id: string; names: RosterNames }) {
  const name = names[id];
  return name ?? <code>{id.slice(0, 8)}</code>;
}
