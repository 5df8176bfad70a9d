import { readFileSync, writeFileSync } from 'node:fs';
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

/** The README whose event table is generated from the schemas' `doc`. */
export const README_FILE = new URL('../README.md', import.meta.url).pathname;
const TABLE_START =
  '<!-- events table: generated from schemas/*.avsc by `npm run generate -w @eduspry/contracts` -->';
const TABLE_END = '<!-- end of events table -->';

/** A schema's record `doc` says its key field, trigger and producer: `… Key: x. Trigger: …. Producer: ….` */
export function eventFacts(schema: EventSchema): {
  summary: string;
  key: string;
  trigger: string;
  producer: string;
} {
  const doc = (schema.definition as { doc?: string }).doc ?? '';
  const match = /^(.*?)\s*Key: (\S+?)\.\s+Trigger: (.+?)\s+Producer: (.+?)\.?$/s.exec(doc);
  if (!match)
    throw new Error(`${schema.file}: its doc must end "Key: <field>. Trigger: <what>. Producer: <service>."`);
  return { summary: match[1]!, key: match[2]!, trigger: match[3]!.replace(/\.$/, ''), producer: match[4]! };
}

function fieldList(schema: EventSchema): string {
  const fields = (schema.definition as { fields: { name: string; type: AvroSchema; default?: unknown }[] })
    .fields;
  return fields
    .map((field) => {
      const type = field.type as { type?: string; symbols?: string[] };
      const name = type?.type === 'enum' ? `${field.name} (${type.symbols!.join('\\|')})` : field.name;
      return field.default !== undefined ? `${name}?` : name;
    })
    .join(', ');
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((cell, i) => Math.max(cell.length, 3, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

/** The README's event table: one row per event type at its current version. */
export function generateEventTable(): string {
  const rows = eventTypes().map((eventType) => {
    const schema = schemaFor(eventType, currentVersion(eventType));
    const facts = eventFacts(schema);
    return [
      `\`${eventType}\` v${schema.version}`,
      facts.key,
      facts.trigger,
      facts.producer,
      fieldList(schema),
    ];
  });
  return [
    TABLE_START,
    '',
    ...table(['Event type', 'Key', 'Trigger', 'Producer', 'Data'], rows),
    '',
    TABLE_END,
  ].join('\n');
}

/** The README with its event table regenerated (the table goes between its two markers). */
export function readmeWithEventTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < 0) throw new Error(`${README_FILE} lacks the event table markers`);
  return readme.slice(0, start) + generateEventTable() + readme.slice(end + TABLE_END.length);
}

if (import.meta.main) {
  writeFileSync(GENERATED_FILE, generateEventTypes());
  writeFileSync(README_FILE, readmeWithEventTable(readFileSync(README_FILE, 'utf8')));
  console.log(`wrote ${GENERATED_FILE} and the event table of ${README_FILE}`);
}
