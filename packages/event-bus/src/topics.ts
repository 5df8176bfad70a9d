/**
 * Topics are per domain: `user.authentication.user_registered` travels on `eduspry.user`,
 * `course.management.enrollment_changed` on `eduspry.course`. The key (aggregate id) keeps
 * order per aggregate within a topic.
 */
export function topicFor(eventType: string): string {
  const domain = eventType.split('.')[0];
  if (!domain) throw new Error(`event type ${eventType} has no domain`);
  return `eduspry.${domain}`;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/** Service schemas are identifiers we splice into SQL: refuse anything else early. */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
  return schema;
}
