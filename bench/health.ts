// GET /health of a kit service vs a bare node:http server, measured in the same run.
import { loadHttp, ratio, report, serveInChild } from './lib/measure.ts';

const servers = new URL('./lib/health-servers.ts', import.meta.url).pathname;
const results: Record<string, Awaited<ReturnType<typeof loadHttp>>> = {};
for (const kind of ['bare', 'kit'] as const) {
  const server = await serveInChild(servers, [kind]);
  try {
    await loadHttp(`http://127.0.0.1:${server.port}/health`, { duration: 1 }); // warm-up
    results[kind] = await loadHttp(`http://127.0.0.1:${server.port}/health`);
  } finally {
    await server.stop();
  }
}
report({
  benchmark: 'health',
  ceiling: 'bare node:http',
  kit: results.kit,
  bare: results.bare,
  ratio: ratio(results.kit!.requestsPerSecond, results.bare!.requestsPerSecond),
});
