/** Where pagination stands: a small JSON value, saved with every staged page so a fetch can resume. */
export type PaginationState = Readonly<Record<string, string | number | boolean | null>>;

/** How a paginator changes the request for a page. */
export interface PageRequestPatch {
  /** Query parameters to add. */
  readonly query?: Readonly<Record<string, string | number>>;
  /** JSON body fields to add (POST-paginated endpoints, GraphQL variables). */
  readonly body?: Readonly<Record<string, unknown>>;
  /** A full URL replacing the stream's URL (next links). */
  readonly url?: string;
}

/** What a paginator sees of a fetched page. */
export interface PageOutcome {
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The URL the page came from. */
  readonly url: string;
  /** How many records the page held. */
  readonly recordCount: number;
}

/** What follows a page. */
export interface PageStep {
  /** The next page's state, or null when this was the last page. */
  readonly next: PaginationState | null;
  /** The total number of records the API says exist, when it says (for truncation checks). */
  readonly reportedTotal?: number;
  /** The scheme actually used, when it differs from the paginator's `type` (`auto:cursor`). */
  readonly paginationType?: string;
  /**
   * Set when paging ends (`next` null) although the upstream says more remain and cannot be
   * followed (`has_more` true without a cursor): why the stream is incomplete.
   */
  readonly incomplete?: string;
}

/**
 * A pagination scheme: a pure function pair over a serializable state, so it can be unit
 * tested without HTTP and resumed from a checkpoint after a crash.
 */
export interface Paginator {
  /** The scheme's name, as reported in run summaries. */
  readonly type: string;
  /** The request changes for the page at `state` (null: the first page). */
  request(state: PaginationState | null): PageRequestPatch;
  /** The step after a page. */
  next(state: PaginationState | null, page: PageOutcome): PageStep;
  /**
   * The states of up to `count` pages after the page at `state`, when they can be known before
   * it arrives: every page assumed full and the stream's end known (a page count or total seen).
   * A fetch requests them concurrently and uses a response only if the state it actually reaches
   * equals the predicted one, so order and checkpoints stay exact. Absent (cursor, next link,
   * Link header) or empty: the next page depends on this one's response, paging is serial.
   */
  ahead?(state: PaginationState, count: number): PaginationState[];
}

/** The identity of a pagination state: its JSON with keys sorted (states are flat objects). */
export function stateKey(state: PaginationState | null): string {
  if (state === null) return 'null';
  return JSON.stringify(Object.keys(state).sort().map((k) => [k, state[k]]));
}
