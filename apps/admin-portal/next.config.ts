import { join } from 'node:path';
import type { NextConfig } from 'next';
import createNextIntlPlugin from 'next-intl/plugin';

const config: NextConfig = {
  // Shared components are TypeScript source in packages/ui-components (no build step).
  transpilePackages: ['@eduspry/ui-components', '@eduspry/contracts'],
  // Where the build goes (default .next); the startup test builds into a throwaway folder.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Container images are built with NEXT_OUTPUT=standalone: the server and only the files it
  // traces (workspace packages included, hence the repository root), not all of node_modules.
  ...(process.env.NEXT_OUTPUT === 'standalone'
    ? { output: 'standalone' as const, outputFileTracingRoot: join(process.cwd(), '../..') }
    : {}),
  poweredByHeader: false,
  reactStrictMode: true,
  // `forbidden()` answers super-admin-only pages with a real 403 for tenant admins.
  // Server Actions take 1 MB by default; a roster upload (/roster) may be up to the gateway's 2 MiB.
  experimental: { authInterrupts: true, serverActions: { bodySizeLimit: '3mb' } },
  // `npm start` skips the type check of its builds to be ready sooner; `npm run build` (which
  // CI runs) checks the app's types.
  typescript: { tsconfigPath: 'tsconfig.json', ignoreBuildErrors: process.env.NEXT_SKIP_TYPECHECK === '1' },
};

export default createNextIntlPlugin('./i18n/request.ts')(config);
