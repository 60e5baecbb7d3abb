/**
 * A child process serving one of the two servers the access benchmark compares, over
 * BENCH_DATABASE_URL, as BENCH_ACCESS_SERVER says: `tributary` (the access API as `tributary serve` builds it) or `minimal`
 * (`node:http` and a `pg` pool running the same two queries with no framework). Prints
 * `{"url": ...}` once listening.
 */
import { createServer } from 'node:http';
import pg from 'pg';
import { createAccessApp, serveAccessApi } from '../../access/index.js';
import { createDatabase } from '../../store/create-database.js';
import { accessBenchConfig } from './access-config.js';

const url = process.env.BENCH_DATABASE_URL!;
const POOL = 16;

if (process.env.BENCH_ACCESS_SERVER === 'tributary') {
  const db = createDatabase(url, { max: POOL, applicationName: 'bench-access-tributary' });
  const api = await serveAccessApi(createAccessApp({ db, config: accessBenchConfig() }));
  console.log(JSON.stringify({ url: api.url }));
} else {
  const pool = new pg.Pool({ connectionString: url, max: POOL });
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const key = /^\/v1\/entities\/customer\/([^/]+)$/.exec(u.pathname)?.[1];
    const query = key
      ? pool.query('select _key, email, name, plan, score, updated_at, _sources, _first_seen, _last_changed from unified.customer where _key = $1', [decodeURIComponent(key)]).then((r) => (r.rows[0] ? send(200, r.rows[0]) : send(404, { error: 'not found' })))
      : pool
          .query('select _key, email, name, plan, score, updated_at, _sources, _first_seen, _last_changed from unified.customer where _deleted_at is null and _last_changed >= $1 order by _last_changed, _key limit 51', [u.searchParams.get('updated_since')])
          .then((r) => send(200, { data: r.rows.slice(0, 50), next_cursor: r.rows.length > 50 ? 'x' : null }));
    query.catch((err: Error) => send(500, { error: err.message }));
  });
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}
