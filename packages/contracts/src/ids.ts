/** The one uuid pattern of the platform (any version, case-insensitive), and the nil uuid. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID_PATTERN.test(value);
/** Stands in for "no tenant / no row" where a uuid column cannot be null (platform logs, dead letters). */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';
