/**
 * Remembers every secret value resolved in a process and replaces it with `***` in any text,
 * so errors and logs never show one, even when an upstream API echoes it back. An upstream may
 * echo a secret in another form than the one resolved, so each value is masked in every form it
 * can travel in: as is, base64 and base64url (a basic-auth header is `base64(user:pass)`),
 * URL-encoded (a query parameter, a form body, `+` for spaces too) and JSON-escaped (a body
 * echoing the request as JSON).
 */
export interface SecretMasker {
  /** Registers a value to hide (values shorter than 4 characters are too common to mask). */
  add(value: string): void;
  /** `text` with every registered value, in every encoded form, replaced by `***`. */
  mask(text: string): string;
}

/** The forms a secret may be echoed in (see `SecretMasker`), the value itself first. */
export function encodedForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const base64 = bytes.toString('base64');
  const forms = [
    value,
    base64,
    // Without padding, as base64url and as some echoes trim it.
    base64.replace(/=+$/, ''),
    bytes.toString('base64url'),
    encodeURIComponent(value),
    encodeURIComponent(value).replace(/%20/g, '+'),
    JSON.stringify(value).slice(1, -1),
    // Twice escaped: a JSON body quoting a JSON request.
    JSON.stringify(JSON.stringify(value).slice(1, -1)).slice(1, -1),
    ...base64Fragments(bytes),
  ];
  return [...new Set(forms)].filter((f) => f.length >= 4);
}

/**
 * The base64 characters that a value determines wherever it sits inside a longer encoded
 * text (`base64(user:pass)` when only the password is registered, a token inside an encoded
 * blob): at each of the three byte alignments, the encoding less the groups its neighbours
 * share. Only fragments of 8 characters or more, so short values do not mask common text.
 */
function base64Fragments(bytes: Buffer): string[] {
  const out: string[] = [];
  for (const lead of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(lead), bytes]).toString('base64');
    const whole = Math.floor((lead + bytes.length) / 3) * 4;
    const fragment = encoded.slice(lead === 0 ? 0 : 4, whole);
    if (fragment.length >= 8) out.push(fragment);
  }
  return out;
}

/** Creates an empty masker. */
export function createSecretMasker(): SecretMasker {
  const values = new Set<string>();
  // Longest first, so a value containing another is replaced whole.
  let forms: string[] = [];
  return {
    add(value) {
      if (value.length < 4 || values.has(value)) return;
      values.add(value);
      forms = [...new Set([...forms, ...encodedForms(value)])].sort((a, b) => b.length - a.length);
    },
    mask(text) {
      let out = text;
      for (const form of forms) if (out.includes(form)) out = out.split(form).join('***');
      return out;
    },
  };
}
