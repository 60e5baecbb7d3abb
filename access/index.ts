export { createAccessApp, type AccessAppDeps } from './create-access-app.js';
export { serveAccessApi, type AccessServer } from './serve-access-api.js';
export { HttpError } from './http-error.js';
export { resolveTokens, tokenAuth, allows, requireScope, type Caller } from './token-auth.js';
export { openApiDocument } from './openapi-document.js';
export { buildGraphqlSchema } from './graphql/build-schema.js';
