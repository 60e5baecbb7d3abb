/**
 * A JSON object's text with members appended before its closing brace, so a staged payload stays
 * the upstream's bytes plus what Tributary added (a member the object already has is written
 * again after it, and wins when parsed). `members` are name and JSON text pairs.
 *
 * ```ts
 * appendMembers('{"id": 1}', [['$sideload', '{}']]) // '{"id": 1,"$sideload":{}}'
 * ```
 */
export function appendMembers(text: string, members: ReadonlyArray<readonly [string, string]>): string {
  const open = text.indexOf('{');
  const close = text.lastIndexOf('}');
  if (open < 0 || close < open || members.length === 0) return text;
  const added = members.map(([name, json]) => `${JSON.stringify(name)}:${json}`).join(',');
  const empty = text.slice(open + 1, close).trim() === '';
  return `${text.slice(0, close)}${empty ? '' : ','}${added}${text.slice(close)}`;
}
