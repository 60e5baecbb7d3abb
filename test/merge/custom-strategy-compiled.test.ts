import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tributary-strategy-'));
  // The loader as the compiled worker has it: JavaScript, run by plain Node with no TypeScript loader.
  await build({
    entryPoints: [join(root, 'merge', 'resolve', 'custom-strategy.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: join(dir, 'custom-strategy.mjs'),
    logLevel: 'silent',
    plugins: [
      {
        name: 'tsx-from-project',
        setup(b) {
          b.onResolve({ filter: /^tsx\// }, (args) => ({ path: pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'esm', 'api', 'index.mjs')).href, external: true }));
        },
      },
    ],
  });
  await writeFile(join(dir, 'pick.ts'), 'type C = { value: unknown };\nexport const pick = (cs: readonly C[]): C => cs.reduce((a: C, b: C) => (String(b.value).length > String(a.value).length ? b : a));\n');
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a custom strategy written in TypeScript loads in a worker that runs compiled JavaScript', async () => {
  const script = `
    const { loadCustomStrategies } = await import(${JSON.stringify(pathToFileURL(join(dir, 'custom-strategy.mjs')).href)});
    const plain = await import(${JSON.stringify(pathToFileURL(join(dir, 'pick.ts')).href)}).then(() => 'loaded', (e) => e.code ?? e.message);
    const fns = await loadCustomStrategies('person', { fields: { nick: { custom: { module: './pick.ts', export: 'pick' } } } }, ${JSON.stringify(dir)});
    const chosen = fns.get('nick')([{ value: 'Al' }, { value: 'Alexander' }, { value: 'Alex' }]);
    console.log(JSON.stringify({ plain, chosen: chosen.value }));
  `;
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env, cwd: dir });
  const out = JSON.parse(stdout.trim()) as { plain: string; chosen: string };
  assert.notEqual(out.plain, 'loaded', 'plain Node cannot import the .ts module itself');
  assert.equal(out.chosen, 'Alexander');
});
