/**
 * V8 heap flags a worker process runs with unless `TRIBUTARY_WORKER_NODE_FLAGS` says otherwise.
 *
 * - `--max-old-space-size=512`: a worker's live heap is about 50-60 MB (module code plus a merge
 *   batch or two), but with Node's default limit (a quarter of RAM, up to 4 GB) V8 lets the old
 *   generation fill with the garbage of batch-sized JSON strings and rows to about four times the
 *   live size before a full collection, so a worker sat at 400-500 MB RSS. With a limit below 1 GB
 *   V8 grows the heap by a smaller factor: about 40 full collections per 100k records instead of 5,
 *   peak RSS near 250-275 MB with the young generation below, for 10-20 % more worker CPU (the
 *   worker waits on Postgres most of the time). 512 MB is ten times the live heap; it is a hard
 *   limit, so raise it for configs whose records are very large.
 * - `--max-semi-space-size=16`: Node 20's default on 64-bit, set explicitly so that a Node version
 *   with another default keeps it. While fetching, the worker's one thread is busy throughout,
 *   and every page allocates its parsed records, their JSON and the COPY text; a larger young
 *   generation scavenges less often. Halving it to 8 MB saved about 20 MB of RSS but cost 3-6 %
 *   more wall time on the bench's loads; 32 MB was faster still but took peak RSS past 300 MB.
 *
 * `tributary worker` and `tributary start` restart themselves once with these flags (Node reads
 * heap flags only at start); start Node with them yourself (`node --max-old-space-size=512
 * --max-semi-space-size=16 bin/tributary.js worker`, e.g. in a container) to skip that restart.
 */
export const DEFAULT_WORKER_NODE_FLAGS: readonly string[] = ['--max-old-space-size=512', '--max-semi-space-size=16'];

/**
 * The V8 flags to start a worker process with: `TRIBUTARY_WORKER_NODE_FLAGS` when set (split on
 * spaces; empty means Node's defaults), else `DEFAULT_WORKER_NODE_FLAGS`. A flag the process
 * already has (in `alreadySet`: `process.execArgv` and `NODE_OPTIONS`) is left to that value.
 *
 * ```ts
 * workerNodeFlags({}, ['--max-old-space-size=2048']) // ['--max-semi-space-size=16']
 * ```
 */
export function workerNodeFlags(env: NodeJS.ProcessEnv = process.env, alreadySet: readonly string[] = [...process.execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)]): string[] {
  const wanted = env.TRIBUTARY_WORKER_NODE_FLAGS !== undefined ? env.TRIBUTARY_WORKER_NODE_FLAGS.split(/\s+/).filter(Boolean) : DEFAULT_WORKER_NODE_FLAGS;
  const nameOf = (flag: string) => flag.split('=')[0]!.replace(/_/g, '-');
  const present = new Set(alreadySet.filter(Boolean).map(nameOf));
  return wanted.filter((flag) => !present.has(nameOf(flag)));
}

/**
 * Environment variables a worker process starts with unless already set:
 *
 * - `MALLOC_ARENA_MAX=2`: glibc's `malloc` gives threads that allocate at the same time arenas
 *   of their own (up to eight per core), and memory freed in one arena is not reused by
 *   another. The worker's native threads (Temporal's core runtime, libuv's pool, V8's helpers)
 *   spread their allocations over several arenas; with two, the bench's worker peaked about
 *   25 MB lower (269 → 243-244 MB on 300k loads), at a speed within the runs' noise. C
 *   libraries other than glibc ignore it.
 *
 * Like the heap flags, these take effect only at start: `tributary worker` and `tributary start`
 * restart themselves with them.
 */
export const DEFAULT_WORKER_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/**
 * The variables of `DEFAULT_WORKER_ENV` that `env` does not set (a value the user set, even
 * empty, is left alone).
 *
 * ```ts
 * workerEnvAdditions({}) // { MALLOC_ARENA_MAX: '2' }
 * workerEnvAdditions({ MALLOC_ARENA_MAX: '4' }) // {}
 * ```
 */
export function workerEnvAdditions(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(Object.entries(DEFAULT_WORKER_ENV).filter(([name]) => env[name] === undefined));
}
