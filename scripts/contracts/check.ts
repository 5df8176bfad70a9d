// The contract gates of `npm run check` (issue 15): each fails the check with a line that says
// what broke and how to fix it.
// 1. buf lint on packages/contracts/proto (packages/contracts/buf.yaml).
// 2. buf breaking: the .proto files against those of the baseline commit (the last commit on
//    main; CONTRACTS_BASELINE_REF to choose another).
// 3. Generated files are fresh: the OpenAPI documents, their TypeScript types and the gRPC types
//    are what `npm run contracts:generate` writes now.
// 4. OpenAPI breaking changes against the baseline's documents (scripts/contracts/openapi-diff.ts),
//    unless listed in packages/contracts/intended-breaking.json in the same change.
// 5. Redocly lint of the documents (packages/contracts/redocly.yaml).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../lib/database.ts';
import { consumersOf, type TypedReader, typedReaders } from './consumers.ts';
import { OPENAPI_DIR, type OpenApiDocument } from './documents.ts';
import { committedFiles, generateContracts, PROTO_DIR, staleFiles } from './generate.ts';
import { breakingChanges } from './openapi-diff.ts';

export const CONTRACTS_DIR = 'packages/contracts';
export const INTENDED_FILE = 'packages/contracts/intended-breaking.json';

const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);

function git(args: string[], cwd = ROOT): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The baseline commit: CONTRACTS_BASELINE_REF, else main, else origin/main, else HEAD. */
export function baselineRef(env: NodeJS.ProcessEnv = process.env, cwd = ROOT): string {
  const candidates = env.CONTRACTS_BASELINE_REF
    ? [env.CONTRACTS_BASELINE_REF]
    : ['main', 'origin/main', 'HEAD'];
  for (const ref of candidates) {
    try {
      git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
      return ref;
    } catch {
      // try the next
    }
  }
  throw new Error(`no baseline commit: none of ${candidates.join(', ')} exists`);
}

/** The files of one folder at `ref`, by name (empty when the folder is not there). */
export function filesAt(ref: string, dir: string, cwd = ROOT): Map<string, string> {
  const files = new Map<string, string>();
  let names: string[];
  try {
    names = git(['ls-tree', '--name-only', `${ref}:${dir}`], cwd)
      .split('\n')
      .filter(Boolean);
  } catch {
    return files;
  }
  for (const name of names) files.set(name, git(['show', `${ref}:${dir}/${name}`], cwd));
  return files;
}

export interface GateResult {
  ok: boolean;
  output: string;
}

/** buf lint on `moduleRoot` (a folder holding buf.yaml and proto/). */
export function bufLint(moduleRoot = join(ROOT, CONTRACTS_DIR)): GateResult {
  const run = spawnSync(bin('buf'), ['lint'], { cwd: moduleRoot, encoding: 'utf8' });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}`.trim() };
}

/**
 * buf breaking: `moduleRoot`'s proto/ against `baseline` (.proto name → text), laid out the same
 * way in a scratch folder with the same buf.yaml.
 */
export function bufBreaking(
  baseline: Map<string, string>,
  moduleRoot = join(ROOT, CONTRACTS_DIR),
): GateResult {
  const scratch = mkdtempSync(join(tmpdir(), 'buf-baseline-'));
  try {
    mkdirSync(join(scratch, 'proto'));
    writeFileSync(join(scratch, 'buf.yaml'), readFileSync(join(moduleRoot, 'buf.yaml')));
    for (const [name, text] of baseline)
      if (name.endsWith('.proto')) writeFileSync(join(scratch, 'proto', name), text);
    if (![...baseline.keys()].some((name) => name.endsWith('.proto')))
      return { ok: true, output: 'no baseline .proto files' };
    const run = spawnSync(bin('buf'), ['breaking', '--against', scratch], {
      cwd: moduleRoot,
      encoding: 'utf8',
    });
    return { ok: run.status === 0, output: `${run.stdout}${run.stderr}`.trim() };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface IntendedChange {
  change: string;
  reason: string;
}

/** packages/contracts/intended-breaking.json: `{ "changes": [{ "change": "…", "reason": "…" }] }`. */
export function readIntended(text: string | undefined): IntendedChange[] {
  if (!text) return [];
  const parsed = JSON.parse(text) as { changes?: IntendedChange[] };
  return parsed.changes ?? [];
}

export interface OpenApiGateResult extends GateResult {
  /** Breaking changes not listed as intended. */
  unintended: string[];
  /** Intended ones that were found. */
  intended: string[];
}

/**
 * The OpenAPI breaking-change gate: every service's baseline document against its current one.
 * A service whose baseline document is gone counts as all its routes removed; a service new
 * since the baseline has nothing to break.
 */
export function openApiGate(
  baseline: Map<string, OpenApiDocument>,
  current: Map<string, OpenApiDocument>,
  intended: IntendedChange[],
  readers: TypedReader[] = typedReaders(),
): OpenApiGateResult {
  const listed = new Set(intended.map((entry) => entry.change));
  const found: string[] = [];
  for (const [service, before] of baseline)
    found.push(...breakingChanges(service, before, current.get(service) ?? { paths: {} }));
  const unintended = found.filter((change) => !listed.has(change));
  const matched = found.filter((change) => listed.has(change));
  const output = unintended.length
    ? [
        `${unintended.length} breaking change(s) against the baseline OpenAPI documents:`,
        ...unintended.map((change) => {
          const consumers = consumersOf(change, readers);
          return `  - ${change}${consumers.length ? ` (read by ${consumers.join(', ')})` : ''}`;
        }),
        `Keep the old shape (add, do not rename or remove), or, when the break is intended and every`,
        `consumer is changed with it, list each line as { "change": "<the line>", "reason": "…" } in`,
        `${INTENDED_FILE} in the same commit.`,
      ].join('\n')
    : `${found.length} breaking change(s), all listed as intended`;
  const unused = intended.filter((entry) => !found.includes(entry.change));
  if (unused.length)
    console.log(
      `contracts: ${unused.length} entr(y/ies) of ${INTENDED_FILE} match no change against the baseline ` +
        '(already landed): clear them when convenient',
    );
  return { ok: unintended.length === 0, unintended, intended: matched, output };
}

/** Redocly lint of documents (paths) with packages/contracts/redocly.yaml. */
export function redoclyLint(paths: string[], config = join(ROOT, CONTRACTS_DIR, 'redocly.yaml')): GateResult {
  const run = spawnSync(bin('redocly'), ['lint', ...paths, `--config=${config}`, '--format=summary'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}`.trim() };
}

export async function checkContracts(): Promise<boolean> {
  const ref = baselineRef();
  const failures: string[] = [];
  const report = (name: string, result: GateResult) => {
    if (!result.ok) failures.push(`${name}:\n${result.output}`);
  };

  report('buf lint (packages/contracts/proto)', bufLint());
  report(`buf breaking against ${ref}`, bufBreaking(filesAt(ref, PROTO_DIR)));

  const { files, documents } = await generateContracts();
  const stale = staleFiles(files, committedFiles());
  if (stale.length)
    failures.push(
      [
        `generated contract files are stale (${stale.length}):`,
        ...stale.map((path) => `  - ${path}`),
        'Run `npm run contracts:generate` and commit the result.',
      ].join('\n'),
    );

  const baseline = new Map<string, OpenApiDocument>();
  for (const [name, text] of filesAt(ref, OPENAPI_DIR))
    if (name.endsWith('.json')) baseline.set(name.replace(/\.json$/, ''), JSON.parse(text));
  const intendedPath = join(ROOT, INTENDED_FILE);
  const intended = readIntended(existsSync(intendedPath) ? readFileSync(intendedPath, 'utf8') : undefined);
  report(`OpenAPI breaking changes against ${ref}`, openApiGate(baseline, documents, intended));

  const documentPaths = [...files.keys()].filter((path) => path.startsWith(`${OPENAPI_DIR}/`));
  report(
    'redocly lint (packages/contracts/openapi)',
    redoclyLint(documentPaths.map((path) => join(ROOT, path))),
  );

  if (failures.length) {
    console.error(`contracts: ${failures.length} gate(s) failed\n\n${failures.join('\n\n')}`);
    return false;
  }
  console.log(
    `contracts: buf lint, buf breaking (against ${ref}), ${files.size} generated files fresh, ` +
      `OpenAPI breaking changes (${baseline.size} baseline documents) and redocly lint all pass`,
  );
  return true;
}

if (import.meta.main) process.exitCode = (await checkContracts()) ? 0 : 1;
