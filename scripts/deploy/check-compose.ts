// infrastructure/docker-compose.yml, checked by Debian's docker-compose (`config`, which parses,
// interpolates and validates the file without an engine) with the example environment, and
// covering every workload: a service built from the workload's Dockerfile, running as non-root on
// a read-only root, each database service's role password handed to the migrations, and each
// secret PLATFORM lists for a workload taken from the environment (.env).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PLATFORM } from '../lib/platform.ts';
import { check, finish } from './checks.ts';
import { ROOT, workloads } from './workloads.ts';

const dir = join(ROOT, 'infrastructure');
const exampleEnv = Object.fromEntries(
  readFileSync(join(dir, 'compose/example.env'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);
let config = '';
const configProblems: string[] = [];
try {
  config = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...exampleEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
} catch (error) {
  configProblems.push(String((error as { stderr?: string }).stderr ?? error).trim());
}
check('docker-compose config accepts infrastructure/docker-compose.yml', configProblems);
if (configProblems.length) finish();

interface ComposeService {
  build?: { dockerfile?: string };
  user?: string;
  read_only?: boolean;
  environment?: Record<string, string>;
}
const services = (parse(config) as { services: Record<string, ComposeService> }).services;

const problems: string[] = [];
for (const w of workloads()) {
  const service = services[w.name];
  if (!service) {
    problems.push(`${w.dir}: no service ${w.name} in infrastructure/docker-compose.yml`);
    continue;
  }
  if (!service.build?.dockerfile?.endsWith(`${w.dir}/Dockerfile`))
    problems.push(`${w.name}: not built from ${w.dir}/Dockerfile`);
  if (service.user !== '10001:10001' || service.read_only !== true)
    problems.push(`${w.name}: must run as 10001:10001 on a read-only root`);
  const role = w.name.replaceAll('-', '_');
  if (w.database && !services.migrations?.environment?.[`ROLE_PASSWORD_${role}`])
    problems.push(`${w.name}: the migrations service sets no ROLE_PASSWORD_${role}`);
}
for (const part of [
  'postgres',
  'kafka',
  'minio',
  'jaeger',
  'prometheus',
  'alertmanager',
  'fluent-bit',
  'migrations',
])
  if (!services[part]) problems.push(`no ${part} service`);
check('every workload and platform part is in the compose file', problems);

// Interpolated from .env (so equal to example.env's value after `config`), never a literal here;
// a shared one (REALTIME_SERVICE_KEY) is then one value for all. Without it a service exits in
// production.
check(
  'every workload gets the secrets PLATFORM lists for it from .env',
  PLATFORM.flatMap((entry) =>
    (entry.secrets ?? []).flatMap((secret) => {
      const value = services[entry.name]?.environment?.[secret];
      if (value === undefined) return [`${entry.name}: sets no ${secret}`];
      if (value !== exampleEnv[secret])
        return [`${entry.name}: ${secret} is written here, not taken from .env as \${${secret}}`];
      return [];
    }),
  ),
);
finish();
