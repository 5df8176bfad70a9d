// Terraform, checked without a terraform binary (none can be installed here): every .tf file is
// parsed by HCL's own parser (@cdktf/hcl2json), the four cloud modules declare the same variables
// and outputs, every variable has a type and a description, every output a description, sensitive
// values are marked, no secret is a literal, and modules/eduspry gives each service the database
// role and secrets PLATFORM says it has. Prints `N passed, N failed`.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PLATFORM } from '../lib/platform.ts';
import { check, finish } from './checks.ts';
import { ROOT } from './workloads.ts';

// Loaded by a computed name: the package's typings pull in the DOM library, whose fetch types
// would then apply to the whole program (tsc -b) and break the services' Node fetch calls.
const hcl2json = '@cdktf/hcl2json';
const { parse } = (await import(hcl2json)) as {
  parse(filename: string, contents: string): Promise<Record<string, unknown>>;
};

const TERRAFORM = join(ROOT, 'infrastructure/terraform');
const CLOUDS = ['aws', 'azure', 'gcp', 'oci'];

type Hcl = Record<string, Record<string, Array<Record<string, unknown>>>>;
const files = readdirSync(TERRAFORM, { recursive: true, withFileTypes: true })
  // The cloud modules' variables.tf are links to modules/_interface/variables.tf.
  .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && entry.name.endsWith('.tf'))
  .map((entry) => join(entry.parentPath, entry.name))
  .sort();
const parsed = new Map<string, Hcl>();
const parseProblems: string[] = [];
for (const file of files) {
  try {
    parsed.set(file, (await parse(file, readFileSync(file, 'utf8'))) as Hcl);
  } catch (error) {
    parseProblems.push(`${relative(ROOT, file)}: ${(error as Error).message}`);
  }
}
check(`${files.length} .tf files parse`, parseProblems);

/** The blocks of one kind (variable, output, …) declared in a folder, by name. */
function blocks(folder: string, kind: string): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  for (const [file, hcl] of parsed)
    if (relative(folder, file) === relative(folder, file).split('/').pop())
      for (const [name, [body]] of Object.entries(hcl[kind] ?? {})) found.set(name, body ?? {});
  return found;
}

const modules = join(TERRAFORM, 'modules');
const stack = join(TERRAFORM, 'stack');
const environments = readdirSync(join(TERRAFORM, 'environments')).map((name) =>
  join(TERRAFORM, 'environments', name),
);
const folders = [...readdirSync(modules).map((name) => join(modules, name)), stack];
check(
  'modules/{aws,azure,gcp,oci,eduspry} and environments/{staging,production} exist',
  [...CLOUDS, 'eduspry']
    .filter((name) => !folders.includes(join(modules, name)))
    .map((name) => `modules/${name} is missing`)
    .concat(
      ['staging', 'production']
        .filter((name) => !environments.includes(join(TERRAFORM, 'environments', name)))
        .map((name) => `environments/${name} is missing`),
    ),
);

for (const kind of ['variable', 'output']) {
  const names = CLOUDS.map(
    (cloud) => [cloud, [...blocks(join(modules, cloud), kind).keys()].sort()] as const,
  );
  const [first, ...rest] = names;
  check(`the four cloud modules declare the same ${kind}s (${first![1].length})`, [
    // None at all is no interface: a file that failed to load (a symlink checked out as text) looks the same.
    ...(first![1].length === 0 ? [`${first![0]} declares no ${kind} at all`] : []),
    ...rest
      .filter(([, list]) => list.join() !== first![1].join())
      .map(([cloud, list]) => {
        const only = list.filter((n) => !first![1].includes(n));
        const lacks = first![1].filter((n) => !list.includes(n));
        return `${cloud} vs ${first![0]}: ${only.length ? `only in ${cloud}: ${only.join(', ')}` : ''}${lacks.length ? ` missing: ${lacks.join(', ')}` : ''}`;
      }),
  ]);
}

// What modules/eduspry consumes must be what every cloud module produces.
const consumed = [...blocks(join(modules, 'eduspry'), 'variable').keys()];
const produced = [...blocks(join(modules, 'aws'), 'output').keys()];
const fromCloud = [
  'kubeconfig',
  'database_url',
  'kafka_brokers',
  'kafka_auth',
  'storage_endpoint',
  'storage_bucket',
  'storage_region',
];
check(
  'modules/eduspry takes kubeconfig, database URL, Kafka brokers + auth, storage endpoint and bucket from the cloud outputs',
  fromCloud.flatMap((name) => [
    ...(consumed.includes(name) ? [] : [`modules/eduspry has no variable ${name}`]),
    ...(produced.includes(name) ? [] : [`the cloud modules have no output ${name}`]),
  ]),
);

// What `npm start` hands a service, its Secret must hold: a role for each database service and
// the secrets PLATFORM lists (a service without them fails to start in production).
type Locals = Array<{ service_secrets?: Record<string, string[]> }>;
const eduspryLocals = parsed.get(join(modules, 'eduspry/main.tf'))?.locals as unknown as Locals | undefined;
const declared = eduspryLocals?.find((body) => body.service_secrets)?.service_secrets ?? {};
const sorted = (list: readonly string[] | undefined) => [...(list ?? [])].sort().join(', ');
check(
  "modules/eduspry's local.service_secrets is PLATFORM's secrets per service",
  [...new Set([...PLATFORM.map((entry) => entry.name), ...Object.keys(declared)])].flatMap((name) => {
    const want = sorted(PLATFORM.find((entry) => entry.name === name)?.secrets);
    const have = sorted(declared[name]);
    return want === have ? [] : [`${name}: PLATFORM lists [${want}], local.service_secrets [${have}]`];
  }),
);
const wantRoles = sorted(PLATFORM.filter((entry) => entry.database).map((entry) => entry.name));
const haveRoles = sorted(blocks(join(modules, 'eduspry'), 'variable').get('services')?.default as string[]);
check(
  "modules/eduspry's var.services defaults to PLATFORM's database services",
  wantRoles === haveRoles ? [] : [`PLATFORM: [${wantRoles}], default: [${haveRoles}]`],
);

const SECRETISH = /(password|secret|token|private_key|access_key|connection_string|api_key)$/i;
const variableProblems: string[] = [];
const outputProblems: string[] = [];
for (const folder of folders) {
  const where = relative(TERRAFORM, folder);
  for (const [name, body] of blocks(folder, 'variable')) {
    if (!body.type) variableProblems.push(`${where}: variable ${name} has no type`);
    if (!body.description) variableProblems.push(`${where}: variable ${name} has no description`);
    if (SECRETISH.test(name) && body.default)
      variableProblems.push(`${where}: variable ${name} has a default value`);
  }
  for (const [name, body] of blocks(folder, 'output')) {
    if (!body.description) outputProblems.push(`${where}: output ${name} has no description`);
    if (/(kubeconfig|database_url|auth)$/.test(name) && body.sensitive !== true)
      outputProblems.push(`${where}: output ${name} is not marked sensitive`);
  }
}
check('every variable has a type and a description; no secret variable has a default', variableProblems);

// Each environment is a variables file for the one root configuration (stack/): it sets every
// variable without a default and nothing the stack does not declare.
const stackVariables = blocks(stack, 'variable');
const environmentProblems: string[] = [];
for (const environment of environments) {
  const file = join(environment, 'terraform.tfvars');
  let values: Record<string, unknown> = {};
  try {
    values = await parse(file, readFileSync(file, 'utf8'));
  } catch (error) {
    environmentProblems.push(`${relative(ROOT, file)}: ${(error as Error).message}`);
    continue;
  }
  for (const name of Object.keys(values))
    if (!stackVariables.has(name))
      environmentProblems.push(`${relative(ROOT, file)}: stack has no variable ${name}`);
  for (const [name, body] of stackVariables)
    if (!('default' in body) && !(name in values))
      environmentProblems.push(`${relative(ROOT, file)}: ${name} is not set`);
}
check('each environment sets the stack variables it must, and only those', environmentProblems);
check('every output has a description; credentials are sensitive', outputProblems);

// A literal is a string with no interpolation; an empty string says "none" and is allowed.
const literalProblems: string[] = [];
function scan(value: unknown, path: string[], file: string): void {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) scan(item, [...path, String(i)], file);
  } else if (value && typeof value === 'object')
    for (const [key, inner] of Object.entries(value)) scan(inner, [...path, key], file);
  else if (typeof value === 'string') {
    const key = path.filter((part) => !/^\d+$/.test(part)).at(-1) ?? '';
    if (SECRETISH.test(key) && value !== '' && !value.includes('${') && path[0] !== 'variable')
      literalProblems.push(`${relative(ROOT, file)}: ${path.join('.')} is a literal`);
  }
}
for (const [file, hcl] of parsed) scan(hcl, [], file);
for (const file of readdirSync(TERRAFORM, { recursive: true, withFileTypes: true }).filter(
  (e) => e.isFile() && /\.(tfvars|hcl)$/.test(e.name),
)) {
  const text = readFileSync(join(file.parentPath, file.name), 'utf8');
  for (const line of text.split('\n'))
    if (/^\s*\w*(password|secret|token|secret_key|access_key|api_key)\s*=/i.test(line))
      literalProblems.push(`${relative(ROOT, join(file.parentPath, file.name))}: ${line.trim()}`);
}
check('no secret is a literal (attributes named like passwords, secrets, tokens, keys)', literalProblems);

finish();
