// How `npm start` runs the web app: `next start` on the production build when there is one
// (`npm run build -w @eduspry/web-app`, which CI runs), else `next dev`, which is ready in
// seconds and compiles each page on its first visit; a first `next build` would take minutes
// on a small machine and `npm start` must be up in under a minute.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const next = createRequire(`${root}package.json`).resolve('next/dist/bin/next');
const built = existsSync(`${root}.next/BUILD_ID`);
const mode = process.env.WEB_APP_MODE ?? (built ? 'start' : 'dev');
const port = process.env.PORT ?? '3000';
const host = process.env.HOST ?? '127.0.0.1';
if (mode === 'dev' && !built)
  process.stdout.write(
    'no production build yet: serving with next dev (npm run build -w @eduspry/web-app for production)\n',
  );
const child = spawn(process.execPath, [next, mode, '--port', port, '--hostname', host], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    NODE_ENV: mode === 'dev' ? 'development' : 'production',
    // Session cookies are `Secure` in production; on a loopback address there is no TLS.
    ...(/^(127\.|localhost$|::1$)/.test(host) ? { WEB_APP_INSECURE_COOKIES: '1' } : {}),
  },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
