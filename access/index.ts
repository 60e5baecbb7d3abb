export { createAccessApp } from './create-access-app.js';
export { serveAccessApi, type AccessServer } from './serve-access-api.js';
export { HttpError } from './http-error.js';
