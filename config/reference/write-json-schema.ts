import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderConfigReference } from './config-reference.js';
import { configJsonSchema } from './json-schema.js';

/** `npm run schema`: writes `schema/tributary.schema.json` and `docs/config-reference.md` from the zod schemas. */
async function run(): Promise<void> {
  const dir = new URL('../../schema/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const target = new URL('tributary.schema.json', dir);
  await writeFile(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${fileURLToPath(target)}`);
  const docs = new URL('../../docs/', import.meta.url);
  await mkdir(docs, { recursive: true });
  const reference = new URL('config-reference.md', docs);
  await writeFile(reference, renderConfigReference());
  console.log(`wrote ${fileURLToPath(reference)}`);
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
