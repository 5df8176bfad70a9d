import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * The Deno binary of the `deno` npm package, to spawn directly. Its `bin.cjs` wrapper runs Deno
 * with spawnSync, so a signal sent to the wrapper stops the wrapper and leaves Deno running.
 */
export function denoExecutable(): string {
  const beside = join(dirname(require.resolve('deno/bin.cjs')), 'deno');
  if (existsSync(beside)) return beside;
  // What bin.cjs itself does when npm skipped the package's install step.
  return (require('deno/install_api.cjs') as { runInstall(): string }).runInstall();
}
