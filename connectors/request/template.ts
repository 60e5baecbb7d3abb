import { compileJsonPath } from '../../core/json-path.js';
import { ConnectorError } from '../connector-error.js';

/** Values request templates can refer to. */
export interface TemplateContext {
  /** `{incremental.start}`: the stream's watermark minus lookback (or its initial value), already formatted. */
  readonly incremental?: { readonly start?: string | number };
  /** `{window.start}`, `{window.end}`: the run's data window (ISO). */
  readonly window?: { readonly start?: string; readonly end?: string };
  /** `{parent.<field>}`: the parent record of a child stream. */
  readonly parent?: unknown;
}

// Only these roots are templates, so other braces (JSON text, GraphQL) pass through untouched.
const pattern = /\{(incremental|window|parent)\.([^{}\s]+)\}/g;
const whole = /^\{(incremental|window|parent)\.([^{}\s]+)\}$/;

function lookup(ctx: TemplateContext, root: string, path: string): unknown {
  const base = root === 'parent' ? ctx.parent : root === 'window' ? ctx.window : ctx.incremental;
  const v = compileJsonPath(`$.${path}`).first(base);
  return v === null || v === '' ? undefined : v;
}

/** True when `text` refers to at least one template value. */
export function hasTemplate(text: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(text);
}

/**
 * `text` with every `{root.path}` replaced; undefined when a referenced value is missing
 * (a query parameter or header built from it is then left out). `encode` escapes each value
 * (used for URL paths).
 */
export function renderString(text: string, ctx: TemplateContext, encode: (v: string) => string = (v) => v): string | undefined {
  let missing = false;
  const out = text.replace(pattern, (_m, root: string, path: string) => {
    const v = lookup(ctx, root, path);
    if (v === undefined) {
      missing = true;
      return '';
    }
    return encode(typeof v === 'string' ? v : JSON.stringify(v));
  });
  return missing ? undefined : out;
}

/** A URL path with its templates filled in (values percent-encoded); a missing value is a config error. */
export function renderPath(path: string, ctx: TemplateContext): string {
  const out = renderString(path, ctx, encodeURIComponent);
  if (out === undefined) {
    throw new ConnectorError('TEMPLATE', `path template "${path}" refers to a value this request does not have (parent field missing or no incremental start)`, { retryable: false });
  }
  return out;
}

/** Query parameters or headers with templates filled in; entries whose value is missing are left out. */
export function renderRecord<V extends string | number | boolean>(values: Readonly<Record<string, V>>, ctx: TemplateContext): Record<string, V | string> {
  const out: Record<string, V | string> = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v !== 'string') out[k] = v;
    else {
      const rendered = renderString(v, ctx);
      if (rendered !== undefined) out[k] = rendered;
    }
  }
  return out;
}

/**
 * A JSON value (body, GraphQL variables) with templates filled in at every level. A string that
 * is exactly one template takes the value's own type (a number stays a number); a key whose
 * value is missing is left out.
 */
export function renderJson(value: unknown, ctx: TemplateContext): unknown {
  if (typeof value === 'string') {
    const m = whole.exec(value);
    if (m) return lookup(ctx, m[1]!, m[2]!);
    return renderString(value, ctx);
  }
  if (Array.isArray(value)) return value.map((v) => renderJson(v, ctx)).filter((v) => v !== undefined);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const rendered = renderJson(v, ctx);
      if (rendered !== undefined) out[k] = rendered;
    }
    return out;
  }
  return value;
}
