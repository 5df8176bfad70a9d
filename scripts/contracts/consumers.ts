// Who reads an upstream route through the generated OpenAPI types: every source file outside
// packages/contracts that imports `@eduspry/contracts/openapi/<service>` and names the route's
// path (as `JsonAnswer<paths, '/courses/{courseId}', 'get'>` does). The OpenAPI gate names them
// beside a breaking change, so its author knows whose code breaks with it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib/database.ts';

const SOURCE_ROOTS = ['services', 'apps', 'supabase/functions'];
const SKIP = new Set(['node_modules', '.next', 'test', 'dist']);

export interface TypedReader {
  /** The workspace folder's name, e.g. `api-gateway`. */
  consumer: string;
  /** Repository path of the file. */
  file: string;
  /** The services whose generated types it imports. */
  services: Set<string>;
  text: string;
}

function sourceFiles(dir: string, out: string[]) {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(join(ROOT, dir), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (SKIP.has(entry.name)) continue;
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (/\.(ts|tsx)$/.test(entry.name)) out.push(path);
  }
}

/** Every file that reads an upstream through its generated OpenAPI types. */
export function typedReaders(): TypedReader[] {
  const files: string[] = [];
  for (const root of SOURCE_ROOTS) sourceFiles(root, files);
  const readers: TypedReader[] = [];
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const services = new Set(
      [...text.matchAll(/@eduspry\/contracts\/openapi\/([a-z0-9-]+)/g)].map((m) => m[1]!),
    );
    const parts = file.split('/');
    const consumer = (file.startsWith('supabase/functions/') ? parts[2] : parts[1]) ?? file;
    if (services.size) readers.push({ consumer, file, services, text });
  }
  return readers;
}

/** `course-service: GET /courses/{courseId}: …` → the readers of that service's route. */
export function consumersOf(change: string, readers: TypedReader[]): string[] {
  const match = /^([a-z0-9-]+): [A-Z]+ (\S+):/.exec(change);
  if (!match) return [];
  const [, service, path] = match;
  return readers
    .filter((reader) => reader.services.has(service!) && reader.text.includes(`'${path}'`))
    .map((reader) => `${reader.consumer} (${reader.file})`);
}
