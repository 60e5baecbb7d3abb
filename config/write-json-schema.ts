import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from './json-schema.js';

/** `npm run schema`: writes `schema/tributary.schema.json` from the zod schemas. */
async function run(): Promise<void> {
  const dir = new URL('../schema/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const target = new URL('tributary.schema.json', dir);
  await writeFile(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${fileURLToPath(target)}`);
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
