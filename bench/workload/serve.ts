import { startUpstreamServer } from './upstream-server.js';

/** Runs the upstream APIs in their own process (so they never share a thread with what is measured); prints the URL. */
async function run(): Promise<void> {
  const server = await startUpstreamServer(Number(process.env['BENCH_UPSTREAM_PORT'] ?? 0));
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
