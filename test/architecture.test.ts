import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Which top-level folders each folder may import from (`type:` only types). Dependencies point
 * one way: workflows see activity types only; activities adapt the engines; engines (connectors,
 * ingest, merge, store, access, observability) never import activities, workflows or the
 * worker; only entry points (client) import the worker.
 */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  secrets: ['core'],
  config: ['core', 'secrets'],
  migrations: [],
  infra: ['core'],
  examples: [],
  // The refresh-token store implements the connectors' interface for it.
  store: ['core', 'config', 'migrations', 'type:connectors'],
  connectors: ['core', 'config', 'secrets'],
  ingest: ['core', 'config', 'secrets', 'connectors', 'store'],
  merge: ['core', 'config', 'store'],
  onboard: ['core', 'config'],
  observability: ['core', 'config', 'secrets', 'store'],
  access: ['core', 'config', 'secrets', 'store', 'observability'],
  activities: ['core', 'config', 'secrets', 'connectors', 'ingest', 'merge', 'store', 'observability'],
  workflows: ['core', 'type:activities'],
  worker: ['core', 'config', 'secrets', 'connectors', 'ingest', 'merge', 'store', 'observability', 'access', 'activities', 'workflows', 'infra'],
  client: ['*'],
};

interface Import {
  readonly from: string;
  readonly to: string;
  readonly typeOnly: boolean;
}

/** Every relative import of the project's source files (not tests, not the benchmark). */
function sourceImports(): Import[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (['node_modules', 'dist', 'test', 'bench', 'schema'].includes(e.name) || e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(p) && !/\.test\.tsx?$/.test(p) && !p.endsWith('.d.ts')) files.push(p);
    }
  };
  walk(root);
  return files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'(\.[^']+)'/gm)].map((m) => ({
      // Without extensions: `./page.js` names `page.ts` or `page.tsx`.
      from: relative(root, file).replace(/\.tsx?$/, ''),
      to: relative(root, resolve(dirname(file), m[2]!)).replace(/\.js$/, ''),
      typeOnly: m[1] !== undefined,
    })),
  );
}

test('every import points the way the layers allow: no engine imports activities, workflows or the worker', () => {
  const wrong: string[] = [];
  for (const i of sourceImports()) {
    const [a, b] = [i.from.split('/')[0]!, i.to.split('/')[0]!];
    if (a === b || i.from.split('/').length === 1) continue;
    const allowed = ALLOWED[a];
    assert.ok(allowed, `a folder the layer rules do not know: ${a}/ (add it to ALLOWED)`);
    if (allowed.includes('*') || allowed.includes(b) || (i.typeOnly && allowed.includes(`type:${b}`))) continue;
    wrong.push(`${i.from} imports ${i.typeOnly ? 'type ' : ''}${i.to}`);
  }
  assert.deepEqual(wrong, []);
});

test('no import cycle between source files', () => {
  const graph = new Map<string, string[]>();
  for (const i of sourceImports()) if (!i.typeOnly) graph.set(i.from, [...(graph.get(i.from) ?? []), i.to]);
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[] = [];
  const visit = (node: string, path: string[]) => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'visiting') {
      cycles.push([...path.slice(path.indexOf(node)), node].join(' -> '));
      return;
    }
    state.set(node, 'visiting');
    for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
    state.set(node, 'done');
  };
  for (const node of graph.keys()) visit(node, []);
  assert.deepEqual(cycles, []);
});
