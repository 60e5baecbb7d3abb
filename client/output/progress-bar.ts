/** The part of a writable stream a progress renderer needs (`process.stdout` fits). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** One line of progress: a label, a count and, when known, the total it is heading for. */
export interface ProgressItem {
  /** What is progressing, e.g. `crm.contacts`. */
  readonly label: string;
  /** Done so far, e.g. records fetched. */
  readonly done: number;
  /** The expected total; unknown totals show a count instead of a bar. */
  readonly total?: number;
  /** A short trailing note, e.g. `12 pages, running`. */
  readonly note?: string;
}

/** Renders a set of progress lines in place (TTY) or as plain lines when they change (pipes, CI). */
export interface ProgressRenderer {
  /** Shows the current state of every item. */
  update(items: readonly ProgressItem[]): void;
  /** Leaves the last state on screen and moves below it. */
  done(): void;
}

/**
 * A progress renderer for long runs. On a terminal it redraws its lines in place with bars
 * (`█░`) where a total is known; elsewhere (stdout piped into a file or CI log) it prints one
 * plain line per change, so logs stay readable and nothing is lost.
 *
 * ```ts
 * const progress = createProgressRenderer(process.stdout);
 * progress.update([{ label: 'crm.contacts', done: 40, total: 100, note: '2 pages' }]);
 * progress.update([{ label: 'crm.contacts', done: 100, total: 100, note: '5 pages, done' }]);
 * progress.done();
 * ```
 */
export function createProgressRenderer(stream: ProgressStream, opts: { barWidth?: number } = {}): ProgressRenderer {
  const barWidth = opts.barWidth ?? 24;
  let drawn = 0;
  let last = '';
  return {
    update(items) {
      const lines = items.map((item) => formatProgressLine(item, stream.isTTY ? barWidth : 0));
      const text = lines.join('\n');
      if (text === last) return;
      last = text;
      if (!stream.isTTY) {
        stream.write(`${lines.join(' | ')}\n`);
        return;
      }
      // Move back to the first line we drew and overwrite every line of it.
      const up = drawn > 0 ? `\x1b[${drawn}F` : '';
      const width = stream.columns ?? 120;
      stream.write(`${up}${lines.map((l) => `\x1b[2K${l.slice(0, width - 1)}`).join('\n')}\n`);
      drawn = lines.length;
    },
    done() {
      drawn = 0;
      last = '';
    },
  };
}

/**
 * One progress line. With `barWidth > 0` and a known total it draws a bar:
 * `crm.contacts  [██████░░░░]  60% 60/100  3 pages`; otherwise `crm.contacts  60  3 pages`.
 */
export function formatProgressLine(item: ProgressItem, barWidth = 0): string {
  const parts = [item.label];
  if (item.total !== undefined && item.total > 0) {
    const ratio = Math.min(1, Math.max(0, item.done / item.total));
    if (barWidth > 0) {
      const filled = Math.round(ratio * barWidth);
      parts.push(`[${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}]`);
    }
    parts.push(`${String(Math.round(ratio * 100)).padStart(3)}% ${item.done}/${item.total}`);
  } else {
    parts.push(String(item.done));
  }
  if (item.note) parts.push(item.note);
  return parts.join('  ');
}
