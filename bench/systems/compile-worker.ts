import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { projectRoot } from '../../infra/project-root.js';
import { runToEnd } from '../measure/child-process.js';

/**
 * Compiles the project with `tsconfig.build.json` (the same build as `npm run build`) into
 * `outDir`, and returns the compiled path of `sourceFile` (a `.ts` file of this project): the
 * bench runs the worker as production does, from JavaScript, not through tsx's loader, which
 * costs a worker about 50 MB of RSS and 1.5 s of start-up.
 */
export async function compileForBench(sourceFile: string, outDir: string): Promise<string> {
  const root = projectRoot();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await runToEnd(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir]);
  return join(outDir, relative(root, sourceFile)).replace(/\.ts$/, '.js');
}
