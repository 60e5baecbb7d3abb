import { readFile } from 'node:fs/promises';
import { Document, isCollection, isMap, parseDocument, visit } from 'yaml';
import type { OnboardPlan } from './onboard-plan.js';

/**
 * The config file text with the plan's source, entity and pipeline added: into `existing` (a
 * config's YAML, comments kept) or a new file. What onboarding inferred goes in comments above
 * the source. A name that is already taken is refused unless `replace`.
 */
export function renderOnboardedConfig(plan: OnboardPlan, existing: string | undefined, opts: { replace?: boolean } = {}): string {
  const doc = existing === undefined ? new Document({ version: 1 }) : parseDocument(existing);
  if (doc.errors.length > 0) throw new Error(`the existing file is not valid YAML: ${doc.errors[0]!.message}`);
  const parts: Array<[string, string, unknown]> = [
    ['sources', plan.sourceName, plan.source],
    ['entities', plan.entityName, plan.entity],
    ['pipelines', plan.sourceName, plan.pipeline],
  ];
  for (const [section, name, value] of parts) {
    if (!isMap(doc.get(section))) doc.set(section, doc.createNode({}));
    if (doc.hasIn([section, name]) && !opts.replace) throw new Error(`${section}.${name} already exists in the file: choose another name (--source, --entity) or pass --force to replace it`);
    const node = doc.createNode(value);
    // Small maps and lists on one line (`{ type: string }`), as the hand-written configs have them.
    visit(node, {
      Collection(_, collection) {
        const json = JSON.stringify(collection.toJSON());
        // A list of names (recordFields) is one flow list however long; the printer wraps it.
        const names = Array.isArray(collection.toJSON()) && (collection.toJSON() as unknown[]).every((x) => typeof x === 'string' && !x.includes(' '));
        if (isCollection(collection) && ((json.length <= 72 && !json.includes('\\n')) || names)) collection.flow = true;
      },
    });
    doc.setIn([section, name], node);
  }
  const source = doc.getIn(['sources', plan.sourceName], true) as { commentBefore?: string | null } | undefined;
  if (source) {
    const secrets = plan.secrets.length > 0 ? [`Secrets: set ${plan.secrets.join(', ')} (in the shell or a .env file next to this config).`] : [];
    source.commentBefore = [' Written by `tributary onboard`: check what it inferred.', ...[...plan.notes, ...secrets].map((n) => ` - ${n}`)].join('\n');
  }
  return doc.toString({ lineWidth: 0 });
}

/** The file's text, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
