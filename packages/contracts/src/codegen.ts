import { writeFileSync } from 'node:fs';
import { allSchemas, currentVersion, type EventSchema, eventTypes, schemaFor } from './registry.ts';

/** Where the TypeScript types derived from the schemas are written. */
export const GENERATED_FILE = new URL('./event-data.generated.ts', import.meta.url).pathname;

/**
 * TypeScript for the data of every event type, derived from the `.avsc` files so the types cannot
 * drift from the contracts: `npm run generate -w @eduspry/contracts` rewrites it, and a test fails
 * when the committed file is stale.
 */
export function generateEventTypes(): string {
  const lines = [
    '// Generated from packages/contracts/schemas/*.avsc by `npm run generate -w @eduspry/contracts`.',
    '// Do not edit: change the schema and regenerate.',
    '',
  ];
  for (const schema of allSchemas().sort(byTypeAndVersion)) {
    lines.push(`/** ${schema.eventType} v${schema.version} */`);
    lines.push(`export interface ${interfaceName(schema)} ${recordBody(schema.definition, '')}`, '');
  }
  lines.push('/** The data of each event type at its current major version. */');
  lines.push('export interface EventDataMap {');
  for (const eventType of eventTypes())
    lines.push(`  '${eventType}': ${interfaceName(schemaFor(eventType, currentVersion(eventType)))};`);
  lines.push('}', '');
  return lines.join('\n');
}

function byTypeAndVersion(a: EventSchema, b: EventSchema): number {
  return a.eventType.localeCompare(b.eventType) || a.version - b.version;
}

export function interfaceName(schema: EventSchema): string {
  const event = schema.eventType.split('.').at(-1)!;
  const pascal = event
    .split('_')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
  return `${pascal}V${schema.version}`;
}

type AvroSchema = string | AvroSchema[] | { type: AvroSchema; [key: string]: unknown };

function recordBody(schema: unknown, indent: string): string {
  const record = schema as { fields: { name: string; type: AvroSchema; doc?: string; default?: unknown }[] };
  const inner = `${indent}  `;
  const fields = record.fields.map((field) => {
    const doc = field.doc ? `${inner}/** ${field.doc} */\n` : '';
    const optional = field.default !== undefined ? '?' : '';
    return `${doc}${inner}${field.name}${optional}: ${tsType(field.type, inner)};`;
  });
  return `{\n${fields.join('\n')}\n${indent}}`;
}

function tsType(schema: AvroSchema, indent: string): string {
  if (Array.isArray(schema)) return schema.map((branch) => tsType(branch, indent)).join(' | ');
  if (typeof schema === 'string') {
    const primitive: Record<string, string> = {
      null: 'null',
      boolean: 'boolean',
      int: 'number',
      long: 'number',
      float: 'number',
      double: 'number',
      string: 'string',
      bytes: 'Buffer',
    };
    const mapped = primitive[schema];
    if (!mapped) throw new Error(`named type references (${schema}) are not supported by the generator`);
    return mapped;
  }
  switch (schema.type) {
    case 'record':
      return recordBody(schema, indent);
    case 'enum':
      return (schema.symbols as string[]).map((symbol) => `'${symbol}'`).join(' | ');
    case 'array':
      return `Array<${tsType(schema.items as AvroSchema, indent)}>`;
    case 'map':
      return `Record<string, ${tsType(schema.values as AvroSchema, indent)}>`;
    case 'fixed':
      return 'Buffer';
    default:
      return tsType(schema.type, indent);
  }
}

if (import.meta.main) {
  writeFileSync(GENERATED_FILE, generateEventTypes());
  console.log(`wrote ${GENERATED_FILE}`);
}
