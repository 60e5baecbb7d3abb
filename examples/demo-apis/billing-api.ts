import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DemoApiContext } from './demo-api-context.js';
import type { BillingCustomer } from './demo-records.js';
import { sendFault } from './fault-injector.js';
import { bearerToken, readBody, requestUrl, secretsEqual, sendJson } from './http-kit.js';
import type { TokenStore } from './token-store.js';

/** Page size when `per_page` is absent. */
export const BILLING_DEFAULT_PER_PAGE = 25;
/** Largest page size; larger values are clamped. */
export const BILLING_MAX_PER_PAGE = 100;
/** The only scope there is, granted when none is asked for. */
export const BILLING_SCOPE = 'customers:read';

/** Path of the OAuth2 token endpoint. */
export const BILLING_TOKEN_PATH = '/oauth/token';

/** A page of `GET /api/customers`. */
export interface BillingCustomersPage {
  /** Customers ordered by `customer_id`; empty past the last page. */
  customers: BillingCustomer[];
  /** The page returned (1-based). */
  page: number;
  /** The page size used (after clamping). */
  per_page: number;
  /** Number of pages at this page size. */
  total_pages: number;
  /** Number of customers. */
  total: number;
}

/** The body of a successful token request (RFC 6749 section 5.1). */
export interface BillingTokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

const realm = 'demo-billing';

/**
 * The billing system: an OAuth2 client-credentials token endpoint (`POST /oauth/token`) and
 * `GET /api/customers?page&per_page` guarded by the bearer tokens it issues.
 */
export function createBillingApi(ctx: DemoApiContext, tokens: TokenStore): (req: IncomingMessage, res: ServerResponse) => Promise<void> | void {
  return (req, res) => {
    const url = requestUrl(req);
    if (url.pathname === BILLING_TOKEN_PATH) {
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'POST' });
      return issueToken(ctx, tokens, req, res);
    }
    if (url.pathname !== '/api/customers') return sendJson(res, 404, { error: 'not_found' });
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });

    ctx.stats.requests.billing++;
    const fault = ctx.faults.take('billing');
    if (fault) return sendFault(res, fault);
    const token = bearerToken(req);
    if (token === undefined || !tokens.isValid(token)) {
      // The error code tells a client to fetch a fresh token rather than give up.
      return sendJson(res, 401, { error: 'invalid_token' }, { 'www-authenticate': `Bearer realm="${realm}", error="invalid_token"` });
    }
    listCustomers(ctx, url.searchParams, res);
  };
}

async function issueToken(ctx: DemoApiContext, tokens: TokenStore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // RFC 6749 section 5.1/5.2: token responses must not be cached.
  const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };
  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return sendJson(res, 400, { error: 'invalid_request', error_description: 'body must be application/x-www-form-urlencoded' }, noStore);
  }
  const form = new URLSearchParams(await readBody(req));

  const basic = basicCredentials(req);
  const clientId = basic ? basic.id : form.get('client_id');
  const clientSecret = basic ? basic.secret : form.get('client_secret');
  const valid =
    clientId !== null &&
    clientSecret !== null &&
    secretsEqual(clientId, ctx.credentials.billingClientId) &&
    secretsEqual(clientSecret, ctx.credentials.billingClientSecret);
  if (!valid) {
    // RFC 6749 section 5.2: answer a failed Basic authentication with a Basic challenge.
    const challenge: Record<string, string> = basic || req.headers.authorization ? { 'www-authenticate': `Basic realm="${realm}"` } : {};
    return sendJson(res, 401, { error: 'invalid_client', error_description: 'unknown client or wrong secret' }, { ...noStore, ...challenge });
  }

  const grantType = form.get('grant_type');
  if (!grantType) return sendJson(res, 400, { error: 'invalid_request', error_description: 'grant_type is required' }, noStore);
  if (grantType !== 'client_credentials') return sendJson(res, 400, { error: 'unsupported_grant_type' }, noStore);
  const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
  if (requested.some((s) => s !== BILLING_SCOPE)) return sendJson(res, 400, { error: 'invalid_scope', error_description: `the only scope is ${BILLING_SCOPE}` }, noStore);

  const issued = tokens.issue(BILLING_SCOPE);
  ctx.stats.tokensIssued++;
  const body: BillingTokenResponse = { access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn, scope: issued.scope };
  sendJson(res, 200, body, noStore);
}

/**
 * Client credentials from an `Authorization: Basic` header. RFC 6749 section 2.3.1 has the id
 * and secret form-urlencoded before base64, so `+` and `%xx` must be decoded.
 */
function basicCredentials(req: IncomingMessage): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

function listCustomers(ctx: DemoApiContext, params: URLSearchParams, res: ServerResponse): void {
  const page = positiveInt(params.get('page'), 1);
  if (page === undefined) return sendJson(res, 400, { error: 'invalid_page', message: 'page must be a positive integer' });
  const requestedSize = positiveInt(params.get('per_page'), BILLING_DEFAULT_PER_PAGE);
  if (requestedSize === undefined) return sendJson(res, 400, { error: 'invalid_per_page', message: 'per_page must be a positive integer' });
  const perPage = Math.min(requestedSize, BILLING_MAX_PER_PAGE);

  // Sorted per request: tests may have appended records since the last one.
  const all = [...ctx.dataset.billing.customers].sort((a, b) => a.customer_id - b.customer_id);
  const body: BillingCustomersPage = {
    customers: all.slice((page - 1) * perPage, page * perPage),
    page,
    per_page: perPage,
    total_pages: Math.ceil(all.length / perPage),
    total: all.length,
  };
  sendJson(res, 200, body);
}

/** A positive integer query parameter, `fallback` when absent, undefined when malformed. */
function positiveInt(raw: string | null, fallback: number): number | undefined {
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) return undefined;
  return Number(raw);
}
