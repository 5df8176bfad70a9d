// The edge-runtime image's entry: serves the function named by EDGE_FUNCTION (its index.ts calls
// Deno.serve) and turns SIGTERM into a graceful shutdown — stop accepting, finish in-flight
// requests, exit 0 — which a function's own `Deno.serve(handler)` does not do by itself.
const name = Deno.env.get('EDGE_FUNCTION') ?? 'log-events';
if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`EDGE_FUNCTION ${name} is not a function folder name`);

const servers: Deno.HttpServer[] = [];
const serve = Deno.serve.bind(Deno) as (...args: unknown[]) => Deno.HttpServer;
Object.defineProperty(Deno, 'serve', {
  value: (...args: unknown[]) => {
    const server = serve(...args);
    servers.push(server);
    return server;
  },
});
Deno.addSignalListener('SIGTERM', async () => {
  await Promise.all(servers.map((server) => server.shutdown()));
  Deno.exit(0);
});
// Run from the repository root (the image's WORKDIR /app), where supabase/functions lives.
await import(`file://${Deno.cwd()}/supabase/functions/${name}/index.ts`);
