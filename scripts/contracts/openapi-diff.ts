// The breaking changes between two revisions of one service's OpenAPI document, as a consumer
// of the service sees them: a removed route, a response field removed, retyped or no longer
// always present, a request field (or parameter, or body) that is newly required. Additions
// are never breaking. Each change is one stable line, e.g.
//   `course-service: GET /courses/{courseId}: response 200 field title removed`
// so an intended one can be listed, word for word, in packages/contracts/intended-breaking.json.
// Hand-written because no maintained JavaScript OpenAPI differ is on the registry here (oasdiff is
// Go); it covers exactly the three kinds of change the gate promises, on documents
// @fastify/swagger writes (local `#/components/schemas` references, anyOf for unions).
import type { OpenApiDocument } from './documents.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema is arbitrary JSON
type Schema = Record<string, any>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function resolver(document: OpenApiDocument) {
  return function resolve(schema: unknown, seen = new Set<string>()): Schema {
    if (!schema || typeof schema !== 'object') return {};
    const ref = (schema as Schema).$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/') || seen.has(ref)) return schema as Schema;
    let target: unknown = document;
    for (const part of ref.slice(2).split('/'))
      target = (target as Schema | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
    return resolve(target, new Set([...seen, ref]));
  };
}

type Resolve = ReturnType<typeof resolver>;

const branches = (schema: Schema): Schema[] => [
  ...(schema.anyOf ?? []),
  ...(schema.oneOf ?? []),
  ...(schema.allOf ?? []),
];

/** The JSON types a schema allows; `any` when it does not say. */
function typesOf(schema: Schema, resolve: Resolve): Set<string> {
  const types = new Set<string>();
  if (Array.isArray(schema.type)) for (const type of schema.type) types.add(type);
  else if (typeof schema.type === 'string') types.add(schema.type);
  const parts = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].map((part) => resolve(part));
  for (const part of parts) for (const type of typesOf(part, resolve)) types.add(type);
  if (!types.size && 'const' in schema) types.add(schema.const === null ? 'null' : typeof schema.const);
  if (!types.size) types.add('any');
  return types;
}

/** Whether every type `head` allows was allowed before (an integer is a number). */
function narrowerOrSame(base: Set<string>, head: Set<string>): boolean {
  if (base.has('any')) return true;
  return [...head].every((type) => base.has(type) || (type === 'integer' && base.has('number')));
}

const describe = (types: Set<string>) => [...types].sort().join('|');

function propertiesOf(schema: Schema, resolve: Resolve): Map<string, Schema> {
  const properties = new Map<string, Schema>();
  const visit = (part: Schema) => {
    for (const [name, value] of Object.entries(part.properties ?? {})) properties.set(name, resolve(value));
    for (const branch of branches(part)) visit(resolve(branch));
  };
  visit(schema);
  return properties;
}

function requiredOf(schema: Schema, resolve: Resolve): Set<string> {
  const required = new Set<string>(schema.required ?? []);
  for (const part of schema.allOf ?? [])
    for (const name of requiredOf(resolve(part), resolve)) required.add(name);
  // In a union, a field is always present only when every object branch requires it.
  const objects = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]
    .map((part) => resolve(part))
    .filter((part) => part.properties);
  if (objects.length) {
    const [first, ...rest] = objects.map((part) => requiredOf(part, resolve));
    for (const name of first ?? []) if (rest.every((set) => set.has(name))) required.add(name);
  }
  return required;
}

function itemsOf(schema: Schema, resolve: Resolve): Schema | undefined {
  if (schema.items && typeof schema.items === 'object') return resolve(schema.items);
  for (const branch of branches(schema)) {
    const items = itemsOf(resolve(branch), resolve);
    if (items) return items;
  }
  return undefined;
}

const join = (at: string, name: string) => (at ? `${at}.${name}` : name);

/** Changes in an answer that a reader of `base` would trip over. */
function responseChanges(base: Schema, head: Schema, at: string, rb: Resolve, rh: Resolve, out: string[]) {
  const baseTypes = typesOf(base, rb);
  const headTypes = typesOf(head, rh);
  if (!narrowerOrSame(baseTypes, headTypes)) {
    out.push(`field ${at || '(body)'} retyped (${describe(baseTypes)} → ${describe(headTypes)})`);
    return;
  }
  const baseProperties = propertiesOf(base, rb);
  const headProperties = propertiesOf(head, rh);
  const baseRequired = requiredOf(base, rb);
  const headRequired = requiredOf(head, rh);
  for (const [name, schema] of baseProperties) {
    const next = headProperties.get(name);
    if (!next) {
      out.push(`field ${join(at, name)} removed`);
      continue;
    }
    if (baseRequired.has(name) && !headRequired.has(name))
      out.push(`field ${join(at, name)} may now be absent`);
    responseChanges(schema, next, join(at, name), rb, rh, out);
  }
  const baseItems = itemsOf(base, rb);
  const headItems = itemsOf(head, rh);
  if (baseItems && headItems) responseChanges(baseItems, headItems, `${at}[]`, rb, rh, out);
}

/** Changes in what a request must carry that a caller written against `base` would not send. */
function requestChanges(base: Schema, head: Schema, at: string, rb: Resolve, rh: Resolve, out: string[]) {
  const baseProperties = propertiesOf(base, rb);
  const baseRequired = requiredOf(base, rb);
  for (const [name, schema] of propertiesOf(head, rh)) {
    if (requiredOf(head, rh).has(name) && !baseRequired.has(name)) {
      out.push(`field ${join(at, name)} is newly required`);
      continue;
    }
    const before = baseProperties.get(name);
    if (before) requestChanges(before, schema, join(at, name), rb, rh, out);
  }
  const baseItems = itemsOf(base, rb);
  const headItems = itemsOf(head, rh);
  if (baseItems && headItems) requestChanges(baseItems, headItems, `${at}[]`, rb, rh, out);
}

function jsonSchemaOf(content: Schema | undefined, resolve: Resolve): Schema | undefined {
  if (!content) return undefined;
  const type = content['application/json'] ? 'application/json' : Object.keys(content)[0];
  return type && content[type]?.schema ? resolve(content[type].schema) : undefined;
}

export function breakingChanges(service: string, base: OpenApiDocument, head: OpenApiDocument): string[] {
  const rb = resolver(base);
  const rh = resolver(head);
  const changes: string[] = [];
  for (const [path, baseItem] of Object.entries<Schema>(base.paths ?? {})) {
    for (const method of METHODS) {
      const before = baseItem[method] as Schema | undefined;
      if (!before) continue;
      const route = `${service}: ${method.toUpperCase()} ${path}`;
      const after = head.paths?.[path]?.[method] as Schema | undefined;
      if (!after) {
        changes.push(`${route}: removed route`);
        continue;
      }
      const found: string[] = [];
      for (const [status, baseResponse] of Object.entries<Schema>(before.responses ?? {})) {
        const headResponse = after.responses?.[status];
        const baseSchema = jsonSchemaOf(rb(baseResponse).content, rb);
        const headSchema = headResponse ? jsonSchemaOf(rh(headResponse).content, rh) : undefined;
        if (!baseSchema || !headSchema) continue;
        const inResponse: string[] = [];
        responseChanges(baseSchema, headSchema, '', rb, rh, inResponse);
        found.push(...inResponse.map((change) => `response ${status} ${change}`));
      }
      const key = (parameter: Schema) => `${parameter.in} parameter ${parameter.name}`;
      const baseParameters = new Map<string, Schema>(
        (before.parameters ?? []).map((parameter: Schema) => [key(rb(parameter)), rb(parameter)]),
      );
      for (const raw of after.parameters ?? []) {
        const parameter = rh(raw);
        if (parameter.required && !baseParameters.get(key(parameter))?.required)
          found.push(`${key(parameter)} is newly required`);
      }
      const baseBody = before.requestBody ? rb(before.requestBody) : undefined;
      const headBody = after.requestBody ? rh(after.requestBody) : undefined;
      if (headBody?.required && !baseBody) found.push('request body is newly required');
      const baseSchema = jsonSchemaOf(baseBody?.content, rb);
      const headSchema = jsonSchemaOf(headBody?.content, rh);
      if (baseSchema && headSchema) {
        const inRequest: string[] = [];
        requestChanges(baseSchema, headSchema, '', rb, rh, inRequest);
        found.push(...inRequest.map((change) => `request body ${change}`));
      }
      changes.push(...found.map((change) => `${route}: ${change}`));
    }
  }
  return changes;
}
