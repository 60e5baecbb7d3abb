import type { PaginationState } from './pagination/paginator.js';

/** One fetched page of a stream. */
export interface StreamPage {
  /** The page's records, as the API returned them (numbers a double cannot hold as their exact digits). */
  readonly records: readonly unknown[];
  /** Each record's JSON text exactly as the API sent it, when it could be sliced from the body (else it is serialized). */
  readonly texts?: readonly string[];
  /** State of the next page, or null after the last. */
  readonly next: PaginationState | null;
  /** The total the API reported, when it did. */
  readonly reportedTotal?: number;
  /** The page's URL, redacted. */
  readonly url: string;
  /** The scheme actually used when it was detected (`auto:cursor`). */
  readonly paginationType?: string;
  /** Set on the last page when the upstream says more remain but paging cannot follow (see `PageStep.incomplete`). */
  readonly incomplete?: string;
  /** Problems worth reporting that did not fail the page (partial GraphQL data). */
  readonly warnings?: readonly string[];
  /** For a child stream's page: the parent it was fetched for (its key and staged record's hash). */
  readonly parent?: { readonly key: string; readonly hash: string };
  /** Nothing could be read yet (a child's parent stream is still being fetched): no page, `next` is the same state; ask again later. */
  readonly pending?: true;
}

/** Per-request extras: the parent record of a child stream, and its own incremental start. */
export interface PageContext {
  readonly parent?: unknown;
  /** Replaces the stream's `{incremental.start}` for this request (a child's per-parent start). */
  readonly incremental?: { readonly start?: string | number };
}

/** Reads a stream page by page from a saved pagination state. */
export interface StreamReader {
  /** The pagination scheme in use. */
  readonly paginationType: string;
  /** Reads the page at `state` (null: the first page). */
  readPage(state: PaginationState | null, context?: PageContext): Promise<StreamPage>;
  /**
   * The states of up to `count` pages after the page at `state` that can be requested before it
   * arrives (see `Paginator.ahead`); absent or empty when each page depends on the one before.
   */
  ahead?(state: PaginationState | null, count: number): Promise<readonly PaginationState[]>;
}
