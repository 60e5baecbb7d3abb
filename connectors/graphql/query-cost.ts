import { type DocumentNode, Kind, type SelectionSetNode, type ValueNode } from 'graphql';

/**
 * How long to hold a source's requests according to the cost data a GraphQL API reports, in
 * milliseconds (0 when there is budget left):
 * - GitHub: a `rateLimit { cost remaining resetAt }` selection anywhere under `data`: when
 *   `remaining` cannot pay for another query of `cost`, wait until `resetAt`.
 * - Shopify: `extensions.cost { requestedQueryCost, throttleStatus { currentlyAvailable, restoreRate } }`:
 *   when fewer points are available than the query needs, wait for them to be restored.
 */
export function costPauseMs(body: unknown, now = Date.now()): number {
  const b = body as { data?: Record<string, unknown>; extensions?: { cost?: ShopifyCost } } | undefined;
  const rateLimit = findRateLimit(b?.data);
  if (rateLimit) {
    const cost = Math.max(1, Number(rateLimit.cost ?? 1));
    const remaining = Number(rateLimit.remaining);
    const resetAt = Date.parse(String(rateLimit.resetAt ?? ''));
    if (Number.isFinite(remaining) && remaining < cost && Number.isFinite(resetAt)) return Math.max(0, resetAt - now);
  }
  const cost = b?.extensions?.cost;
  if (cost?.throttleStatus) {
    const needed = Number(cost.requestedQueryCost ?? cost.actualQueryCost ?? 0);
    const available = Number(cost.throttleStatus.currentlyAvailable);
    const rate = Number(cost.throttleStatus.restoreRate);
    if (Number.isFinite(available) && Number.isFinite(rate) && rate > 0 && available < needed) return Math.ceil(((needed - available) / rate) * 1000);
  }
  return 0;
}

/** The cost a response says its query used (GitHub `rateLimit.cost`, Shopify `actualQueryCost`), if it says. */
export function reportedQueryCost(body: unknown): number | undefined {
  const b = body as { data?: Record<string, unknown>; extensions?: { cost?: ShopifyCost } } | undefined;
  const gh = findRateLimit(b?.data)?.cost;
  const n = Number(gh ?? b?.extensions?.cost?.actualQueryCost ?? b?.extensions?.cost?.requestedQueryCost);
  return Number.isFinite(n) ? n : undefined;
}

/** True when GraphQL errors say the query was throttled (Shopify's `THROTTLED` code and similar). */
export function isThrottled(errors: ReadonlyArray<{ message?: string; extensions?: { code?: unknown } }>): boolean {
  return errors.some((e) => /THROTTLED|RATE_LIMITED/i.test(String(e.extensions?.code ?? '')) || /throttled|rate limit/i.test(e.message ?? ''));
}

interface ShopifyCost {
  requestedQueryCost?: unknown;
  actualQueryCost?: unknown;
  throttleStatus?: { maximumAvailable?: unknown; currentlyAvailable?: unknown; restoreRate?: unknown };
}

function findRateLimit(data: Record<string, unknown> | undefined): { cost?: unknown; remaining?: unknown; resetAt?: unknown } | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const direct = data.rateLimit as { remaining?: unknown } | undefined;
  if (direct && typeof direct === 'object' && 'remaining' in direct) return direct;
  return undefined;
}

/**
 * A static cost estimate of a query, before running it: every field with a `first`/`last`
 * argument (a connection) costs the product of its own page size and those of the connections
 * it is nested in; the estimate is the sum. `{ a(first: 100) { b(first: 10) { x } } }` costs
 * 100 + 100 * 10 = 1100. Variables are taken from `variables`.
 */
export function estimateQueryCost(document: DocumentNode, variables: Readonly<Record<string, unknown>>): number {
  const fragments = new Map(document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d.selectionSet] as const));
  let total = 0;
  const visit = (set: SelectionSetNode, multiplier: number, depth: number) => {
    if (depth > 50) return;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const size = pageSizeArg(sel.arguments ?? [], variables);
        const m = size === undefined ? multiplier : multiplier * size;
        if (size !== undefined) total += m;
        if (sel.selectionSet) visit(sel.selectionSet, m, depth + 1);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) visit(sel.selectionSet, multiplier, depth + 1);
      else {
        const f = fragments.get(sel.name.value);
        if (f) visit(f, multiplier, depth + 1);
      }
    }
  };
  for (const d of document.definitions) if (d.kind === Kind.OPERATION_DEFINITION) visit(d.selectionSet, 1, 0);
  return total;
}

function pageSizeArg(args: ReadonlyArray<{ name: { value: string }; value: ValueNode }>, variables: Readonly<Record<string, unknown>>): number | undefined {
  for (const a of args) {
    if (a.name.value !== 'first' && a.name.value !== 'last') continue;
    const v = a.value.kind === Kind.INT ? Number(a.value.value) : a.value.kind === Kind.VARIABLE ? Number(variables[a.value.name.value]) : NaN;
    if (Number.isFinite(v)) return v;
  }
  return undefined;
}
