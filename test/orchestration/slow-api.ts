import { type Server, createServer } from 'node:http';

/** A paged upstream that answers each page after a delay, so a test can act mid-fetch. */
export interface SlowApi {
  readonly url: string;
  readonly records: ReadonlyArray<{ id: string; email: string; name: string }>;
  /** Page delay in ms; change it at any time. */
  delayMs: number;
  stop(): Promise<void>;
}

/**
 * Serves `total` records at `/items?cursor=N` (`pageSize` per page, `{ data, next }`) and at
 * `/items?offset=N&limit=M` (`{ data, total }`), behind `X-API-Key: key`.
 */
export async function startSlowApi(opts: { total: number; pageSize: number; delayMs: number; key: string }): Promise<SlowApi> {
  const records = Array.from({ length: opts.total }, (_, i) => ({ id: `p${i}`, email: `person${i}@example.com`, name: `Person ${i}` }));
  const api: SlowApi = { url: '', records, delayMs: opts.delayMs, stop: async () => {} };
  const server: Server = createServer((req, res) => {
    if (req.headers['x-api-key'] !== opts.key) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      return;
    }
    const params = new URL(req.url ?? '/', 'http://x').searchParams;
    if (params.has('offset')) {
      // Offset paging with the total in the body: pages a fetch may request concurrently.
      const offset = Number(params.get('offset'));
      setTimeout(() => {
        const data = records.slice(offset, offset + Number(params.get('limit') ?? opts.pageSize));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data, total: records.length }));
      }, api.delayMs);
      return;
    }
    const cursor = Number(params.get('cursor') ?? 0);
    setTimeout(() => {
      const data = records.slice(cursor, cursor + opts.pageSize);
      const next = cursor + opts.pageSize < records.length ? String(cursor + opts.pageSize) : null;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data, next }));
    }, api.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return Object.assign(api, {
    url: `http://127.0.0.1:${address.port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  });
}

/** A pipeline over the slow API: one source, one entity, its merge in partitions of about 50 keys (at most 3). */
export const SLOW_PIPELINE_YAML = `
version: 1
sources:
  slow:
    type: rest
    baseUrl: \${SLOW_URL}
    auth: { type: api_key, in: header, name: X-API-Key, value: env:SLOW_KEY }
    streams:
      items:
        path: /items
        recordsPath: $.data
        primaryKey: id
        pagination: { type: cursor, cursorPath: $.next, param: cursor }
entities:
  person:
    matchOn: [email]
    fields:
      email: { type: string }
      name: { type: string }
    sources:
      slow.items:
        fields: { email: $.email, name: $.name }
# Small partitions, so the merge's entity writes split over several activities; the whole merge
# after the fetch (SLOW_OVERLAP_PIPELINE_YAML has the merge during the fetch).
merge: { overlap: false, maxPartitions: 3, keysPerPartition: 50 }
pipelines:
  slow:
    schedule: { every: 1h }
    sources: [slow]
`;

/** The same pipeline with its records merged while the fetch goes on (`merge.overlap`). */
export const SLOW_OVERLAP_PIPELINE_YAML = SLOW_PIPELINE_YAML.replace('overlap: false', 'overlap: true');

/** The same pipeline paged by offset with the total known: its pages are fetched four at a time. */
export const SLOW_OFFSET_PIPELINE_YAML = SLOW_PIPELINE_YAML.replace(
  'pagination: { type: cursor, cursorPath: $.next, param: cursor }',
  'pagination: { type: offset, offsetParam: offset, limitParam: limit, limit: 10, totalPath: $.total }',
).replace('    auth: { type: api_key', '    rateLimit: { maxConcurrency: 4 }\n    auth: { type: api_key');
