/** One link of an RFC 8288 `Link` header. */
export interface Link {
  readonly url: string;
  readonly rel: string;
}

/** Parses `<url>; rel="next", <url2>; rel=last` into links (unknown parameters ignored). */
export function parseLinkHeader(header: string): Link[] {
  const links: Link[] = [];
  const pattern = /<([^>]*)>((?:\s*;\s*[^;,]+)*)/g;
  for (const m of header.matchAll(pattern)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))/i.exec(m[2] ?? '');
    if (rel) links.push({ url: m[1] ?? '', rel: (rel[1] ?? rel[2] ?? '').toLowerCase() });
  }
  return links;
}
