#!/usr/bin/env node
// The `tributary` command: runs the compiled CLI from dist/ when `npm run build` made it and no
// source changed since, else registers the TypeScript loader and runs the sources. `worker` and
// `start` run a worker: they restart themselves once with the worker's V8 heap flags
// (worker/worker-node-flags.ts, `TRIBUTARY_WORKER_NODE_FLAGS`) and environment (`MALLOC_ARENA_MAX`),
// which Node and the C library take only at start.
import { pathToFileURL } from 'node:url';
import { compiledEntry } from './compiled-entry.js';
import { RELAUNCHED_ENV, relaunch, stopWithParent } from './relaunch.js';

const main = compiledEntry('client/main.js');
const flagsModule = compiledEntry('worker/worker-node-flags.js');
const compiled = main !== undefined && flagsModule !== undefined;
if (!compiled) (await import('tsx/esm/api')).register();

if (['worker', 'start'].includes(process.argv[2] ?? '') && process.env[RELAUNCHED_ENV] !== '1') {
  const { workerEnvAdditions, workerNodeFlags } = await import(compiled ? pathToFileURL(flagsModule).href : '../worker/worker-node-flags.ts');
  const flags = workerNodeFlags();
  const env = workerEnvAdditions();
  if (flags.length > 0 || Object.keys(env).length > 0) process.exit(await relaunch(flags, env));
}
stopWithParent();
await import(compiled ? pathToFileURL(main).href : '../client/main.ts');
