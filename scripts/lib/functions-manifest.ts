// What the functions router (supabase/local/functions-router.ts) is handed: every function folder
// of supabase/functions with `verify_jwt` from supabase/config.toml (the manifest), and one import
// map with each function's deno.json imports scoped to its folder. Written by `npm start`
// (scripts/supabase-local.ts) into a temporary folder, and by the edge-runtime image's build
// (`node scripts/lib/functions-manifest.ts <supabase dir> <out dir>`), so both serve the same set.
// Folders starting with `_` are shared code, not functions (as on Supabase).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'smol-toml';

export interface EdgeFunction {
  name: string;
  dir: string;
  verifyJwt: boolean;
}

/** Every function folder, with `verify_jwt` as supabase/config.toml declares it (Supabase's default: on). */
export function discoverFunctions(supabaseDir: string): EdgeFunction[] {
  const functionsDir = join(supabaseDir, 'functions');
  const configFile = join(supabaseDir, 'config.toml');
  const config = existsSync(configFile)
    ? (parse(readFileSync(configFile, 'utf8')) as { functions?: Record<string, { verify_jwt?: boolean }> })
    : {};
  if (!existsSync(functionsDir)) return [];
  return readdirSync(functionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_'))
    .filter((entry) => existsSync(join(functionsDir, entry.name, 'index.ts')))
    .map((entry) => ({
      name: entry.name,
      dir: join(functionsDir, entry.name),
      verifyJwt: config.functions?.[entry.name]?.verify_jwt ?? true,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * One import map for the one process: each function's deno.json `imports`, scoped to its folder
 * (relative targets resolved against it), so two functions may map one name differently.
 */
export function importMap(functions: EdgeFunction[]): object {
  const scopes: Record<string, Record<string, string>> = {};
  for (const fn of functions) {
    const file = join(fn.dir, 'deno.json');
    if (!existsSync(file)) continue;
    const folder = pathToFileURL(`${fn.dir}/`).href;
    const imports = (JSON.parse(readFileSync(file, 'utf8')) as { imports?: Record<string, string> }).imports;
    scopes[folder] = Object.fromEntries(
      Object.entries(imports ?? {}).map(([name, target]) => [
        name,
        /^\.{0,2}\//.test(target) ? new URL(target, folder).href : target,
      ]),
    );
  }
  // The router's own import (the verify_jwt check).
  return { imports: { jose: 'npm:jose@^6' }, scopes };
}

/** The manifest the router reads (FUNCTIONS_MANIFEST): name, file: URL of index.ts, verify_jwt. */
export function manifest(functions: EdgeFunction[]): object {
  return {
    functions: functions.map((fn) => ({
      name: fn.name,
      entry: pathToFileURL(join(fn.dir, 'index.ts')).href,
      verifyJwt: fn.verifyJwt,
    })),
  };
}

/** Writes `manifest.json` and `import-map.json` into `outDir`; returns the functions and both paths. */
export async function writeFunctionsManifest(
  supabaseDir: string,
  outDir: string,
): Promise<{ functions: EdgeFunction[]; manifestFile: string; importMapFile: string }> {
  const functions = discoverFunctions(resolve(supabaseDir));
  await mkdir(outDir, { recursive: true });
  const manifestFile = join(outDir, 'manifest.json');
  const importMapFile = join(outDir, 'import-map.json');
  await writeFile(manifestFile, JSON.stringify(manifest(functions)));
  await writeFile(importMapFile, JSON.stringify(importMap(functions)));
  return { functions, manifestFile, importMapFile };
}

// The image build: `node scripts/lib/functions-manifest.ts supabase supabase/local/generated`.
if (import.meta.main) {
  const [supabaseDir, outDir] = process.argv.slice(2);
  if (!supabaseDir || !outDir) {
    console.error('usage: node scripts/lib/functions-manifest.ts <supabase dir> <out dir>');
    process.exit(2);
  }
  const { functions } = await writeFunctionsManifest(supabaseDir, outDir);
  if (functions.length === 0) {
    console.error(`no function folder with an index.ts under ${supabaseDir}/functions`);
    process.exit(1);
  }
  console.log(`functions manifest in ${outDir}: ${functions.map((fn) => fn.name).join(', ')}`);
}
