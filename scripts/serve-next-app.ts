// Runs the Next.js app in the current folder as `npm start` and `npm run dev` do (the process
// list's entry for an `app: 'next'` points here): in start mode (the default) it builds when the
// build is missing or stale, then `next start`; with EDUSPRY_RUN_MODE=dev, `next dev`.
import { buildIfStale, RUN_MODE_VARIABLE, type RunMode, spawnNext } from './lib/next-apps.ts';

const appDir = process.cwd();
const mode: RunMode = process.env[RUN_MODE_VARIABLE] === 'dev' ? 'dev' : 'start';
const abort = new AbortController();
let child: ReturnType<typeof spawnNext> | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    abort.abort();
    if (child) child.kill(signal);
    else process.exit(0);
  });

try {
  if (mode === 'start')
    await buildIfStale(appDir, (line) => process.stdout.write(`${line}\n`), { signal: abort.signal });
} catch (error) {
  if (abort.signal.aborted) process.exit(0);
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
child = spawnNext(appDir, mode, {
  port: process.env.PORT ?? '3000',
  host: process.env.HOST ?? '127.0.0.1',
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
