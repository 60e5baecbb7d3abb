import { compileJsonPath } from '../core/json-path.js';
import { appendMembers } from './json/append-members.js';
import type { PaginationState } from './pagination/paginator.js';
import type { StreamReader } from './stream-reader.js';

/** A parent record as staged in this run, with its position. */
export interface ParentRecord {
  /** Position of the record among the parent stream's staged records (increasing). */
  readonly position: string;
  readonly record: unknown;
  /** The parent record's primary key (staged records have one). */
  readonly key?: string;
  /** The staged parent record's hash. */
  readonly hash?: string;
  /** The highest child cursor seen for this parent in the last merged run (per-parent incremental); null before. */
  readonly watermark?: string | null;
}

/** Reads a parent stream's records of the run in a stable order. */
export interface ParentRecords {
  /** The record at `position`. */
  at(position: string): Promise<ParentRecord | undefined>;
  /**
   * The first record after `position` (`'0'`: the first record); undefined when there is none
   * and the parent stream is complete; `'pending'` when none is staged yet but the parent
   * stream is still being fetched (after waiting a while for one, unless `wait` is false).
   */
  after(position: string, opts?: { readonly wait?: boolean }): Promise<ParentRecord | undefined | 'pending'>;
  /** The positions of up to `count` records after `position`, in order. */
  positionsAfter(position: string, count: number): Promise<string[]>;
}

/**
 * A child stream fanned out over its parent's records: for each parent record in order, pages
 * through the child endpoint with `{parent.*}` filled in. The state holds the parent's position
 * and the child's page state (as JSON), so a resumed fetch continues with the same parent at
 * the same page. `fields` copies parent values into each child record.
 *
 * The next parents' first pages do not depend on this parent's response, so `ahead` names them
 * (assuming one child page per parent): a fetch requests children of several parents at once.
 *
 * With `startFor`, each parent's requests carry that parent's own incremental start, and each
 * page names its parent, so the fetch can keep a cursor per parent.
 *
 * A child stream may run while its parent stream is still being fetched: when the staged
 * parents run out before the parent stream is complete, the state becomes `{ after: position }`
 * and the page comes back `pending` (nothing staged, ask again).
 */
export function createFanOutReader(
  inner: StreamReader,
  parents: ParentRecords,
  fields: Readonly<Record<string, string>>,
  opts: {
    /** Each parent's own `{incremental.start}` (per-parent incremental), from its stored watermark. */
    startFor?: (parent: ParentRecord) => string | number | undefined;
  } = {},
): StreamReader {
  const copies = Object.entries(fields).map(([name, path]) => [name, compileJsonPath(path)] as const);
  const names = copies.map(([name]) => name);
  // The position whose wait for a next parent `ahead` just gave up on: the read of the same state
  // then answers `pending` at once instead of waiting as long again.
  let waitedAfter: string | undefined;
  return {
    paginationType: `${inner.paginationType} per parent`,
    async ahead(state, count) {
      let from: string | undefined;
      if (typeof state?.parent === 'string') from = state.parent;
      else {
        // Waiting here for the next parent (the stream's first, or the first after a wait) lets
        // the parents staged meanwhile be requested together, not the first on its own before them.
        const after = typeof state?.after === 'string' ? state.after : '0';
        const next = await parents.after(after);
        if (next === 'pending') waitedAfter = after;
        from = next === 'pending' ? undefined : next?.position;
      }
      if (from === undefined) return [];
      return (await parents.positionsAfter(from, count)).map((position) => ({ parent: position }));
    },
    async readPage(state) {
      const after = typeof state?.after === 'string' ? state.after : '0';
      const waited = waitedAfter === after;
      waitedAfter = undefined;
      const parent = typeof state?.parent === 'string' ? await parents.at(state.parent) : await parents.after(after, { wait: !waited });
      if (parent === 'pending') return { records: [], next: state, url: '(waiting for parent records)', pending: true };
      if (!parent) return { records: [], next: null, url: '(no parent records)' };
      const innerState = typeof state?.page === 'string' ? (JSON.parse(state.page) as PaginationState) : null;
      const start = opts.startFor?.(parent);
      const page = await inner.readPage(innerState, { parent: parent.record, ...(opts.startFor ? { incremental: start === undefined ? {} : { start } } : {}) });
      const records = copies.length === 0 ? page.records : page.records.map((r) => withParentFields(r, parent.record, copies));
      let next: PaginationState | null;
      if (page.next) next = { parent: parent.position, page: JSON.stringify(page.next) };
      else {
        // Not waited for: this page is staged first, and the next read waits for the parent.
        const following = await parents.after(parent.position, { wait: false });
        next = following === 'pending' ? { after: parent.position } : following ? { parent: following.position } : null;
      }
      // A total is per parent, so it cannot be checked against the stream's count.
      const texts = page.texts ? { texts: copies.length === 0 ? page.texts : page.texts.map((t, i) => withParentFieldsText(t, records[i], names)) } : {};
      const from = parent.key !== undefined && parent.hash !== undefined ? { parent: { key: parent.key, hash: parent.hash } } : {};
      return { records, ...texts, ...from, next, url: page.url, ...(page.paginationType ? { paginationType: `${page.paginationType} per parent` } : {}), ...(page.warnings ? { warnings: page.warnings } : {}), ...(page.incomplete ? { incomplete: `parent ${parent.position}: ${page.incomplete}` } : {}) };
    },
  };
}

function withParentFields(record: unknown, parent: unknown, copies: ReadonlyArray<readonly [string, { first(v: unknown): unknown }]>): unknown {
  if (!record || typeof record !== 'object' || Array.isArray(record)) return record;
  const out: Record<string, unknown> = { ...(record as Record<string, unknown>) };
  for (const [name, path] of copies) out[name] = path.first(parent) ?? null;
  return out;
}

/** A child record's text with the copied parent fields appended (see `appendMembers`). */
function withParentFieldsText(text: string, record: unknown, names: readonly string[]): string {
  if (!record || typeof record !== 'object' || Array.isArray(record)) return text;
  const open = text.indexOf('{');
  const close = text.lastIndexOf('}');
  if (open < 0 || close < open) return JSON.stringify(record);
  return appendMembers(text, names.map((n) => [n, JSON.stringify((record as Record<string, unknown>)[n])] as const));
}
