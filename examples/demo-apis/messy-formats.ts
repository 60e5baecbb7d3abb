import type { SeededRandom } from './seeded-random.js';

/**
 * How different systems render the same fact. Each variant is one a real integration meets;
 * all of them normalize back to the same value, which is what the merge has to discover.
 */

/** The same address as a human or an import script may have typed it. */
export function messyEmail(canonical: string, rng: SeededRandom): string {
  const [local = '', domain = ''] = canonical.split('@');
  switch (rng.int(0, 5)) {
    case 0:
      return canonical;
    case 1:
      return `${titleCase(local)}@${titleCase(domain)}`;
    case 2:
      return canonical.toUpperCase();
    case 3:
      return `${canonical} `;
    case 4:
      return ` ${titleCase(local)}@${domain}`;
    default:
      return `${local}@${domain.toUpperCase()}`;
  }
}

/** Capitalizes each dot/hyphen-separated part, e.g. `ada.lovelace` -> `Ada.Lovelace`. */
function titleCase(s: string): string {
  return s.replace(/(^|[.\-])([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase());
}

/** The ways a North American number appears in the wild. */
export type PhoneStyle = 'international' | 'e164' | 'national' | 'dotted';

/** A phone number (area code + 7-digit local part) in one of the common styles. */
export function formatPhone(areaCode: string, local: string, style: PhoneStyle): string {
  const exchange = local.slice(0, 3);
  const line = local.slice(3);
  switch (style) {
    case 'international':
      return `+1 ${areaCode}-${exchange}-${line}`;
    case 'e164':
      return `+1${areaCode}${exchange}${line}`;
    case 'national':
      return `(${areaCode}) ${exchange}-${line}`;
    case 'dotted':
      return `${areaCode}.${exchange}.${line}`;
  }
}

/** Drops diacritics the way ASCII-only legacy systems do (`José Müller` -> `Jose Muller`). */
export function asciiFold(s: string): string {
  return s
    .replace(/ø/g, 'o')
    .replace(/Ø/g, 'O')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
}

/** The local part of an email built from a name: lower-case ASCII, no apostrophes or spaces. */
export function emailLocalPart(first: string, last: string): string {
  const clean = (s: string) => asciiFold(s).toLowerCase().replace(/[^a-z0-9-]/g, '');
  return `${clean(first)}.${clean(last)}`;
}
