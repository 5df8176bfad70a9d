// What gets an image, a chart values block and rendered manifests: every workspace folder under
// services/ and apps/ (found on disk, so a new folder is covered the day it lands), plus the edge
// function runtime and the migrations job. Ports come from the one process list, PLATFORM.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PLATFORM } from '../lib/platform.ts';

export const ROOT = new URL('../../', import.meta.url).pathname;

export type WorkloadKind = 'service' | 'app' | 'edge' | 'migrations';

export interface Workload {
  name: string;
  /** Folder relative to the repository root; its Dockerfile lives there. */
  dir: string;
  /** The npm workspace whose production dependencies the image installs. */
  workspace: string;
  kind: WorkloadKind;
  /** HTTP port inside the container; undefined for the migrations job. */
  port?: number;
  grpcPort?: number;
  readyPath: string;
  healthPath: string;
  /** Whether it connects to PostgreSQL as its own role (`auth-service` → `auth_service`). */
  database: boolean;
  /** The file the image runs with node, relative to the repository root. */
  main: string;
  /** Node options before it (PLATFORM's nodeOptions). */
  nodeOptions: readonly string[];
}

/** Workspace folders under services/ and apps/, in name order. */
export function workspaceFolders(root = ROOT): string[] {
  return ['services', 'apps'].flatMap((parent) =>
    existsSync(join(root, parent))
      ? readdirSync(join(root, parent), { withFileTypes: true })
          .filter(
            (entry) => entry.isDirectory() && existsSync(join(root, parent, entry.name, 'package.json')),
          )
          .map((entry) => `${parent}/${entry.name}`)
          .sort()
      : [],
  );
}

export const EDGE_RUNTIME: Workload = {
  name: 'edge-runtime',
  dir: 'supabase/functions',
  workspace: '',
  kind: 'edge',
  database: false,
  port: 8000,
  readyPath: '/ready',
  healthPath: '/health',
  // The functions router: every function at /functions/v1/<name>, as under `npm start`.
  main: 'supabase/local/functions-router.ts',
  nodeOptions: [],
};

export const MIGRATIONS: Workload = {
  name: 'migrations',
  dir: 'infrastructure/images/migrations',
  workspace: 'packages/common',
  kind: 'migrations',
  database: false,
  readyPath: '',
  healthPath: '',
  main: 'scripts/deploy/migrate.ts',
  nodeOptions: [],
};

/**
 * Every workload, or an error naming each workspace folder that PLATFORM does not list
 * (without a port there is nothing to probe or route to).
 */
export function workloads(root = ROOT): Workload[] {
  const missing: string[] = [];
  const found = workspaceFolders(root).flatMap((dir): Workload[] => {
    const entry = PLATFORM.find((process) => process.dir === dir);
    if (!entry) {
      missing.push(dir);
      return [];
    }
    const app = dir.startsWith('apps/');
    return [
      {
        name: entry.name,
        dir,
        workspace: dir,
        kind: app ? 'app' : 'service',
        port: entry.port,
        database: entry.database,
        ...(entry.grpcPort ? { grpcPort: entry.grpcPort } : {}),
        readyPath: entry.readyPath ?? '/ready',
        // The apps answer one readiness route; the kit's services have /health as well.
        healthPath: app ? (entry.readyPath ?? '/ready') : '/health',
        main: `${dir}/${entry.main}`,
        nodeOptions: entry.nodeOptions ?? [],
      },
    ];
  });
  if (missing.length)
    throw new Error(
      `${missing.join(', ')}: not in PLATFORM (packages/common/src/platform.ts); add the entry with its port first`,
    );
  return [...found, EDGE_RUNTIME, MIGRATIONS];
}

// `node scripts/deploy/workloads.ts`: one line per workload (name, folder, kind, port, ready path,
// health path, database yes/no) for the shell scripts; `--json`: the CI workflow's build matrix.
if (import.meta.main) {
  if (process.argv.includes('--json'))
    console.log(JSON.stringify(workloads().map(({ name, dir, kind }) => ({ name, dir, kind }))));
  else
    for (const w of workloads())
      console.log(
        [
          w.name,
          w.dir,
          w.kind,
          w.port ?? '-',
          w.readyPath || '-',
          w.healthPath || '-',
          w.database ? 'db' : '-',
        ].join(' '),
      );
}
