export { SecretError } from './secret-error.js';
export { type SecretMasker, createSecretMasker, encodedForms } from './secret-masker.js';
export { type SecretResolver, createSecretResolver } from './resolve-secret.js';
export { type SecretRef, isSecretRef, maybeSecretSchema, secretRefSchema } from './secret-ref.js';
