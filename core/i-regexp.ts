import { RE2JS } from 're2js';

const regexps = new Map<string, RE2JS | null>();

/** An I-Regexp (RFC 9485) on the linear-time engine, cached; null when the pattern is invalid. */
export function iRegexp(pattern: string): RE2JS | null {
  let re = regexps.get(pattern);
  if (re === undefined) {
    try {
      // I-Regexp's `.` matches any character but CR and LF.
      re = RE2JS.compile(dotOutsideClasses(pattern));
    } catch {
      re = null;
    }
    if (regexps.size > 10_000) regexps.clear();
    regexps.set(pattern, re);
  }
  return re;
}

function dotOutsideClasses(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      out += ch + (pattern[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
    } else if (ch === '[') {
      inClass = true;
      out += ch;
    } else out += ch === '.' ? '[^\\n\\r]' : ch;
  }
  return out;
}

