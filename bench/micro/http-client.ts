/**
 * Micro-benchmark of the HTTP client alone: pages one bench stream (`/crm/contacts`, 250 records
 * a page, one request at a time) from the bench's upstream server (its own process) and parses
 * each page, three ways in turn: the connectors' client (`createHttpClient`, got with
 * Tributary's options), got with its defaults, and `node:http` with a keep-alive agent. Prints
 * wall time and this process's CPU per record; each way runs `--rounds` times (default 3).
 * Ways measured in one process disturb each other (garbage, JIT state): `--only` measures one.
 *
 * ```sh
 * npx tsx bench/micro/http-client.ts --records 200000
 * for w in tributary got node:http; do npx tsx bench/micro/http-client.ts --only $w; done
 * ```
 */
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import got from 'got';
import { createHttpClient } from '../../connectors/http/http-client.js';
import { createSecretMasker } from '../../secrets/secret-masker.js';
import { spawnTs } from '../measure/child-process.js';

const PAGE = 250;

function numberArg(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  const value = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${argv[i + 1]}`);
  return value;
}

type GetJson = (url: string) => Promise<{ data: unknown[]; next_cursor: string | null }>;

function clients(): Record<string, GetJson> {
  const tributary = createHttpClient({ masker: createSecretMasker() });
  const bare = got.extend({ responseType: 'text' });
  const agent = new http.Agent({ keepAlive: true });
  const nodeHttp = (url: string) =>
    new Promise<string>((resolve, reject) => {
      http
        .get(url, { agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks).toString()));
          res.on('error', reject);
        })
        .on('error', reject);
    });
  return {
    tributary: async (url) => (await tributary.requestJson({ method: 'GET', url, timeoutMs: 30_000 })).body as never,
    got: async (url) => JSON.parse((await bare(url)).body) as never,
    'node:http': async (url) => JSON.parse(await nodeHttp(url)) as never,
  };
}

async function run(): Promise<void> {
  const argv = process.argv.slice(2);
  const records = numberArg(argv, '--records', 200_000);
  const rounds = numberArg(argv, '--rounds', 3);
  const upstream = spawnTs(fileURLToPath(new URL('../workload/serve.ts', import.meta.url)));
  try {
    const { url } = await upstream.waitForJson<{ url: string }>((v) => typeof v['url'] === 'string');
    // The crm stream holds about 40 % of the total: enough pages for `records`.
    await fetch(`${url}/_control`, { method: 'POST', body: JSON.stringify({ total: records * 3, generation: 0 }) });
    const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
    const ways = Object.entries(clients()).filter(([name]) => only === undefined || name === only);
    if (ways.length === 0) throw new Error(`--only: no way named ${only}; valid: tributary, got, node:http`);
    for (let round = 0; round < rounds; round++) {
      for (const [name, getJson] of ways) {
        let cursor: string | null = null;
        let n = 0;
        const started = performance.now();
        const cpu = process.cpuUsage();
        do {
          const body = await getJson(`${url}/crm/contacts?limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`);
          n += body.data.length;
          cursor = body.next_cursor;
        } while (cursor && n < records);
        const used = process.cpuUsage(cpu);
        console.log(`${name.padEnd(10)} ${n} records: wall ${(((performance.now() - started) * 1000) / n).toFixed(2)} µs/record, CPU ${((used.user + used.system) / n).toFixed(2)} µs/record`);
      }
    }
  } finally {
    upstream.proc.kill('SIGTERM');
  }
}

run().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
