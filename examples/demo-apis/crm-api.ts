import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DemoApiContext } from './demo-api-context.js';
import type { CrmContact } from './demo-records.js';
import { sendFault } from './fault-injector.js';
import { requestUrl, secretsEqual, sendJson } from './http-kit.js';
import { decodeCursor, encodeCursor } from './opaque-cursor.js';

/** Page size when `limit` is absent. */
export const CRM_DEFAULT_LIMIT = 20;
/** Largest page size; larger `limit`s are clamped, as many real APIs do. */
export const CRM_MAX_LIMIT = 100;

/** A page of `GET /v1/contacts`. */
export interface CrmContactsPage {
  /** Contacts ordered by id. */
  data: CrmContact[];
  /** Cursor for the next page, or null after the last. */
  next_cursor: string | null;
}

const contactPath = /^\/v1\/contacts\/([^/]+)$/;

/**
 * The CRM: `GET /v1/contacts?limit&cursor&updated_since` and `GET /v1/contacts/:id`, guarded by
 * an `X-API-Key` header, paginated by opaque keyset cursor.
 */
export function createCrmApi(ctx: DemoApiContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = requestUrl(req);
    const single = contactPath.exec(url.pathname);
    if (url.pathname !== '/v1/contacts' && !single) return sendJson(res, 404, { error: 'not_found' });
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });

    ctx.stats.requests.crm++;
    const fault = ctx.faults.take('crm');
    if (fault) return sendFault(res, fault);
    const key = req.headers['x-api-key'];
    if (typeof key !== 'string' || !secretsEqual(key, ctx.credentials.crmApiKey)) return sendJson(res, 401, { error: 'invalid_api_key' });

    if (single) {
      const id = safeDecode(single[1]!);
      const contact = ctx.dataset.crm.contacts.find((c) => c.id === id);
      return contact ? sendJson(res, 200, contact) : sendJson(res, 404, { error: 'contact_not_found', id });
    }
    listContacts(ctx, url.searchParams, res);
  };
}

function listContacts(ctx: DemoApiContext, params: URLSearchParams, res: ServerResponse): void {
  let limit = CRM_DEFAULT_LIMIT;
  const rawLimit = params.get('limit');
  if (rawLimit !== null) {
    if (!/^\d+$/.test(rawLimit) || Number(rawLimit) < 1) return sendJson(res, 400, { error: 'invalid_limit', message: 'limit must be a positive integer' });
    limit = Math.min(Number(rawLimit), CRM_MAX_LIMIT);
  }
  let after: string | undefined;
  const rawCursor = params.get('cursor');
  if (rawCursor) {
    after = decodeCursor('crm.contacts', rawCursor);
    if (after === undefined) return sendJson(res, 400, { error: 'invalid_cursor' });
  }
  let since: number | undefined;
  const rawSince = params.get('updated_since');
  if (rawSince) {
    since = Date.parse(rawSince);
    if (Number.isNaN(since)) return sendJson(res, 400, { error: 'invalid_updated_since', message: 'updated_since must be an ISO 8601 timestamp' });
  }

  // Filter and sort per request: tests may have edited or appended records since the last one.
  const matching = ctx.dataset.crm.contacts
    .filter((c) => since === undefined || Date.parse(c.updated_at) >= since)
    .filter((c) => after === undefined || c.id > after)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const data = matching.slice(0, limit);
  const last = data[data.length - 1];
  const page: CrmContactsPage = { data, next_cursor: matching.length > limit && last ? encodeCursor('crm.contacts', last.id) : null };
  sendJson(res, 200, page);
}

/** A decoded path segment; malformed escapes are kept verbatim (and then match nothing) rather than failing the request. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
