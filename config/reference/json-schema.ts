import { z } from 'zod';
import { tributaryConfigSchema } from '../tributary-config.js';

/**
 * The JSON Schema of the config file, generated from the same zod schemas that validate it, so
 * editors (YAML language server, VS Code) complete and check configs with the same rules and
 * descriptions. Cross-reference checks (unknown source names and such) are not expressible
 * there; `tributary validate` still runs them.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(tributaryConfigSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://tributary.dev/schema/tributary.schema.json', title: 'Tributary pipeline config' };
}
