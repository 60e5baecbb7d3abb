/** The first 300 characters of a body, whitespace folded. */
export function excerpt(body: string, max = 300): string {
  const folded = body.replace(/\s+/g, ' ').trim();
  return folded.length > max ? `${folded.slice(0, max)}…` : folded;
}

/**
 * A short description of an error body for messages: for an HTML page its title and visible
 * text (proxies and gateways answer with those), else an excerpt.
 */
export function describeBody(body: string, contentType: string): string {
  if (/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(body)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body)?.[1]?.trim();
    const text = body
      .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]+>/g, ' ');
    return `HTML page${title ? ` "${excerpt(title, 100)}"` : ''}: ${excerpt(text, 200)}`;
  }
  return excerpt(body);
}
