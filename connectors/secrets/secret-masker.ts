/**
 * Remembers every secret value resolved in a process and replaces it with `***` in any text,
 * so errors and logs never show one, even when an upstream API echoes it back.
 */
export interface SecretMasker {
  /** Registers a value to hide (values shorter than 4 characters are too common to mask). */
  add(value: string): void;
  /** `text` with every registered value replaced by `***`. */
  mask(text: string): string;
}

/** Creates an empty masker. */
export function createSecretMasker(): SecretMasker {
  const values = new Set<string>();
  return {
    add(value) {
      if (value.length >= 4) values.add(value);
    },
    mask(text) {
      let out = text;
      for (const value of values) out = out.split(value).join('***');
      return out;
    },
  };
}
