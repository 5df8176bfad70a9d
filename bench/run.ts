// `npm run bench [name …]`: runs bench/<name>.ts (all of them by default) against a fresh
// migrated database and prints each result as one JSON line; also saved in bench/results/.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { prepareFreshDatabase, ROOT } from '../scripts/lib/database.ts';

const BENCH_DIR = join(ROOT, 'bench');
const all = (await readdir(BENCH_DIR))
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
  .map((file) => file.slice(0, -3));
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !all.includes(name));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; there are: ${all.join(', ')}`);
  process.exit(2);
}
const names = wanted.length ? wanted : all;
await mkdir(join(BENCH_DIR, 'results'), { recursive: true });
const resultsFile = join(BENCH_DIR, 'results', `${new Date().toISOString().replaceAll(':', '-')}.jsonl`);

// Every benchmark of a run shares one database, so they share auth-service's key secret too.
const secrets = {
  AUTH_KEY_ENCRYPTION_SECRET: process.env.AUTH_KEY_ENCRYPTION_SECRET ?? randomBytes(32).toString('base64url'),
};
const database = await prepareFreshDatabase('bench', process.env.DATABASE_URL || undefined);
let failed = 0;
try {
  console.error(`benchmarks use ${database.description}`);
  for (const name of names) {
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [join(BENCH_DIR, `${name}.ts`)], {
        cwd: ROOT,
        env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...database.env, ...secrets },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        process.stdout.write(`${line}\n`);
        if (line.startsWith('{')) void appendFile(resultsFile, `${line}\n`);
      });
      child.once('exit', resolve);
    });
    if (code !== 0) {
      failed++;
      console.error(`benchmark ${name} failed with exit code ${code}`);
    }
  }
} finally {
  await database.dispose();
}
process.exit(failed ? 1 : 0);
