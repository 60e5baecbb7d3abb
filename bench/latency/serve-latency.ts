import { startLatencyUpstream } from './latency-upstream.js';

/** Runs the latency upstream in its own process (see `spawnLatencyUpstream`); prints its URL. */
async function run(): Promise<void> {
  const server = await startLatencyUpstream(Number(process.env['LATENCY_DELAY_MS'] ?? 150));
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
