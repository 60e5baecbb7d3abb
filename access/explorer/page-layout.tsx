import type { Child } from 'hono/jsx';

/** What every explorer page's frame needs to know. */
export interface PageFrame {
  /** The page title (also the `<title>`). */
  readonly title: string;
  /** Entities the caller may read, for the navigation. */
  readonly entities: readonly string[];
  /** Whether the caller may see runs and sources. */
  readonly runs: boolean;
  /** The path of the current page, to mark its navigation link. */
  readonly path: string;
  /** Signed in with a token (offers "Sign out"); false when the explorer is open. */
  readonly signedIn: boolean;
}

/** The page frame: skip link, navigation, main landmark. */
export function Layout(props: { frame: PageFrame; children?: Child }) {
  const { frame } = props;
  const link = (href: string, label: string) => (
    <li>
      <a href={href} aria-current={frame.path === href || (href !== '/' && frame.path.startsWith(`${href}/`)) ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${frame.title} · Tributary`}</title>
        <link rel="stylesheet" href="/assets/explorer.css" />
        <script type="module" src="/assets/explorer.js" />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a class="brand" href="/">
            Tributary
          </a>
          <nav aria-label="Explorer">
            <ul>
              {link('/', 'Overview')}
              {frame.entities.map((e) => link(`/entities/${e}`, e))}
              {frame.runs ? link('/sources', 'Sources and runs') : null}
              {link('/quarantine', 'Quarantine')}
            </ul>
          </nav>
          {frame.signedIn ? (
            <form method="post" action="/logout">
              <button type="submit">Sign out</button>
            </form>
          ) : null}
        </header>
        <main id="main">{props.children}</main>
      </body>
    </html>
  );
}

/** A value as the tables show it: null as an em dash, lists joined, objects as JSON. */
export function Value(props: { value: unknown }) {
  const v = props.value;
  if (v === null || v === undefined) return <span class="null">none</span>;
  if (v instanceof Date) return <Time at={v} />;
  if (Array.isArray(v)) return <>{v.length === 0 ? <span class="null">empty list</span> : v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ')}</>;
  if (typeof v === 'object') return <code>{JSON.stringify(v)}</code>;
  return <>{String(v)}</>;
}

/** A point in time: UTC text, shown in the reader's zone by the script. */
export function Time(props: { at: Date | string | null | undefined }) {
  if (props.at === null || props.at === undefined) return <span class="null">never</span>;
  const d = props.at instanceof Date ? props.at : new Date(props.at);
  if (Number.isNaN(d.getTime())) return <>{String(props.at)}</>;
  const iso = d.toISOString();
  return <time datetime={iso}>{`${iso.slice(0, 19).replace('T', ' ')} UTC`}</time>;
}

/** A coloured status word. */
export function Badge(props: { tone: 'ok' | 'warn' | 'bad' | 'info'; children?: Child }) {
  return <span class={`badge ${props.tone}`}>{props.children}</span>;
}

/** The tone of a run or stream status. */
export function statusTone(status: string): 'ok' | 'warn' | 'bad' | 'info' {
  if (status === 'succeeded' || status === 'fresh') return 'ok';
  if (status === 'failed' || status === 'stale') return 'bad';
  if (status === 'degraded' || status === 'incomplete') return 'warn';
  return 'info';
}

/** A JSON document, pretty-printed. */
export function Json(props: { value: unknown; label: string }) {
  return (
    <pre aria-label={props.label} tabindex={0}>
      {JSON.stringify(props.value, null, 2)}
    </pre>
  );
}

/** A table's header row: one column header per label (`num` ones right-aligned). */
export function Head(props: { columns: ReadonlyArray<string | { readonly label: string; readonly num?: boolean }> }) {
  return (
    <thead>
      <tr>
        {props.columns.map((c) =>
          typeof c === 'string' ? (
            <th scope="col">{c}</th>
          ) : (
            <th scope="col" class={c.num ? 'num' : undefined}>
              {c.label}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
