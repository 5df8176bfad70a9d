import type { NextConfig } from 'next';

const config: NextConfig = {
  // Shared components are TypeScript source in packages/ui-components (no build step).
  transpilePackages: ['@eduspry/ui-components'],
  poweredByHeader: false,
  reactStrictMode: true,
  typescript: { tsconfigPath: 'tsconfig.json' },
};

export default config;
