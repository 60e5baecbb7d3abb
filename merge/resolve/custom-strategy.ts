import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EntityConfig } from '../../config/entities/entity-config.js';
import { type Contribution, asOf } from './contribution.js';

/** One value a custom strategy chooses from, with where it came from. */
export interface CustomCandidate {
  /** The mapped, type-coerced value (never null unless the field sets `nullOverwrites`). */
  readonly value: unknown;
  readonly source: string;
  readonly stream: string;
  /** The source record's key. */
  readonly key: string;
  /** The source's own last-update time (epoch ms), or null. */
  readonly updatedAt: number | null;
  /** When Tributary fetched the record (epoch ms). */
  readonly fetchedAt: number;
  /** ISO time the value is as of: its updated-at, else its fetch time. */
  readonly at: string;
}

/**
 * A user-supplied conflict strategy. It receives the candidates in a fixed order (by source,
 * stream, key) and returns one of them (its provenance is kept), a derived value (every
 * candidate becomes its provenance; it must fit the field's type), or null. It must be pure
 * and synchronous, or merges stop being deterministic.
 *
 * ```js
 * // strategies.js, referenced as `custom: { module: ./strategies.js, export: longest }`
 * // (a `.ts` module works too, also when the worker runs compiled JavaScript)
 * export const longest = (candidates) => candidates.reduce((a, b) => (String(b.value).length > String(a.value).length ? b : a));
 * ```
 */
export type CustomStrategyFn = (candidates: readonly CustomCandidate[], field: { readonly name: string; readonly type: string; readonly array: boolean }) => unknown;

/** A custom strategy that cannot be loaded or misbehaved. Not retryable: the config or module must change. */
export class CustomStrategyError extends Error {
  /** Stable error code. */
  readonly code = 'CUSTOM_STRATEGY_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CustomStrategyError';
  }
}

/** The candidate view of a contribution. */
export function toCandidate(c: Contribution, field: string): CustomCandidate {
  return Object.freeze({ value: c.values[field], source: c.source, stream: c.stream, key: c.sourceKey, updatedAt: c.updatedAt, fetchedAt: c.fetchedAt, at: new Date(asOf(c)).toISOString() });
}

const modules = new Map<string, Promise<Record<string, unknown>>>();

/** Extensions of TypeScript modules, which Node cannot import on its own. */
const TYPESCRIPT_MODULE = /\.[cm]?tsx?$/;

// The worker runs compiled JavaScript (`npm start`, `tributary worker`), where a plain import()
// of a strategy written in TypeScript fails: tsx, a dependency, compiles such a module on load.
async function importModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  if (!TYPESCRIPT_MODULE.test(file)) return (await import(url)) as Record<string, unknown>;
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
}

/**
 * Loads the functions of an entity's `custom` fields (each module once per process), by field
 * name. `baseDir` is the directory of the config file; module paths are relative to it.
 */
export async function loadCustomStrategies(entityName: string, entity: EntityConfig, baseDir: string): Promise<Map<string, CustomStrategyFn>> {
  const out = new Map<string, CustomStrategyFn>();
  for (const [field, config] of Object.entries(entity.fields)) {
    if (!config.custom) continue;
    const file = isAbsolute(config.custom.module) ? config.custom.module : resolve(baseDir, config.custom.module);
    let loading = modules.get(file);
    if (!loading) modules.set(file, (loading = importModule(file)));
    let mod: Record<string, unknown>;
    try {
      mod = await loading;
    } catch (err) {
      modules.delete(file);
      throw new CustomStrategyError(`entities.${entityName}.fields.${field}.custom: cannot load ${file}: ${(err as Error).message}`, { cause: err });
    }
    const fn = mod[config.custom.export];
    if (typeof fn !== 'function') {
      const exports = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
      throw new CustomStrategyError(`entities.${entityName}.fields.${field}.custom: ${file} has no function export "${config.custom.export}"; functions exported: ${exports.join(', ') || '(none)'}`);
    }
    out.set(field, fn as CustomStrategyFn);
  }
  return out;
}
