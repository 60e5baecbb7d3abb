import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The type checker over the whole project, so `npm test` (and CI) fail on a type error. */
test('the project type-checks', { timeout: 180_000 }, async () => {
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
  const result = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', root], { cwd: root }).then(
    () => ({ ok: true, output: '' }),
    (err: { stdout?: string; stderr?: string }) => ({ ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` }),
  );
  assert.ok(result.ok, `tsc reported errors:\n${result.output}`);
});

/** The lint rules that keep workflows deterministic and forbid floating promises (eslint.config.js). */
test('the project passes lint', { timeout: 180_000 }, async () => {
  const eslint = new ESLint({ cwd: root });
  const results = await eslint.lintFiles(['.']);
  const errors = results.filter((r) => r.errorCount > 0);
  const formatter = await eslint.loadFormatter('stylish');
  assert.equal(errors.length, 0, String(await formatter.format(errors)));
});
