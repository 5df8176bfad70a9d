import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';

/** Where the `.avsc` files live: one per event type and major version. */
export const SCHEMAS_DIR = new URL('../schemas/', import.meta.url).pathname;

const FILE_NAME = /^([a-z]+\.[a-z_]+\.[a-z_]+)\.v(\d+)\.avsc$/;

export interface EventSchema {
  eventType: string;
  /** The major version: a new one only for a change old readers or writers cannot resolve. */
  version: number;
  file: string;
  /** The schema as written in the file. */
  definition: avro.Schema;
  readonly type: avro.Type;
}

function loadSchemas(dir: string): Map<string, Map<number, EventSchema>> {
  const byType = new Map<string, Map<number, EventSchema>>();
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.avsc')) continue;
    const match = FILE_NAME.exec(name);
    if (!match) throw new Error(`${name}: schema files are named <domain>.<context>.<event>.v<major>.avsc`);
    const file = join(dir, name);
    const definition = JSON.parse(readFileSync(file, 'utf8')) as avro.Schema;
    const eventType = match[1]!;
    const version = Number(match[2]);
    const versions = byType.get(eventType) ?? new Map<number, EventSchema>();
    // Each Avro type compiles its own codec functions: built on first use, so a service carries
    // the types of the events it produces and consumes, not every one of the registry.
    let type: avro.Type | undefined;
    versions.set(version, {
      eventType,
      version,
      file,
      definition,
      get type() {
        type ??= avro.Type.forSchema(definition);
        return type;
      },
    });
    byType.set(eventType, versions);
  }
  return byType;
}

const SCHEMAS = loadSchemas(SCHEMAS_DIR);

/** Every known event type, sorted. */
export function eventTypes(): string[] {
  return [...SCHEMAS.keys()].sort();
}

/** Every schema file: each event type's every major version. */
export function allSchemas(): EventSchema[] {
  return [...SCHEMAS.values()].flatMap((versions) => [...versions.values()]);
}

/** The highest major version of an event type: what producers write. */
export function currentVersion(eventType: string): number {
  const versions = SCHEMAS.get(eventType);
  if (!versions) throw new UnknownEventTypeError(eventType);
  return Math.max(...versions.keys());
}

export function schemaFor(eventType: string, version: number = currentVersion(eventType)): EventSchema {
  const schema = SCHEMAS.get(eventType)?.get(version);
  if (!schema) {
    if (!SCHEMAS.has(eventType)) throw new UnknownEventTypeError(eventType);
    throw new UnknownEventTypeError(`${eventType} v${version}`);
  }
  return schema;
}

export class UnknownEventTypeError extends Error {
  override name = 'UnknownEventTypeError';
  constructor(what: string) {
    super(`unknown event type ${what}: add packages/contracts/schemas/<type>.v<major>.avsc`);
  }
}
