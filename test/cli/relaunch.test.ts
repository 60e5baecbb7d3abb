import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';

const relaunchModule = pathToFileURL(new URL('../../bin/relaunch.js', import.meta.url).pathname).href;

test('relaunch: the child runs with the heap flags and the added environment, once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-relaunch-'));
  try {
    const script = join(dir, 'command.mjs');
    // Stands in for bin/tributary.js: relaunches itself unless it is the relaunched child.
    writeFileSync(
      script,
      `import { RELAUNCHED_ENV, relaunch } from ${JSON.stringify(relaunchModule)};
if (process.env[RELAUNCHED_ENV] === '1') {
  console.log(JSON.stringify({ execArgv: process.execArgv, arenas: process.env.MALLOC_ARENA_MAX, kept: process.env.KEPT }));
  process.exit(3);
}
process.exit(await relaunch(['--max-semi-space-size=16'], { MALLOC_ARENA_MAX: '2' }));
`,
    );
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env, KEPT: 'yes', MALLOC_ARENA_MAX: undefined } });
    assert.equal(run.status, 3, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout.trim()), { execArgv: ['--max-semi-space-size=16'], arenas: '2', kept: 'yes' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
