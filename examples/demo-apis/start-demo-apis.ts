import type { Server } from 'node:http';
import { createBillingApi, BILLING_TOKEN_PATH } from './billing-api.js';
import { createCrmApi } from './crm-api.js';
import type { DemoApiContext, DemoApiName, DemoApiStats } from './demo-api-context.js';
import { DEFAULT_DEMO_CREDENTIALS, type DemoCredentials } from './demo-credentials.js';
import { createDemoDataset } from './demo-data.js';
import type { DemoDataset } from './demo-records.js';
import { FaultInjector } from './fault-injector.js';
import { closeServer, createDemoServer, type DemoLog, listen, originOf } from './http-kit.js';
import { createSupportGraphqlApi, SUPPORT_GRAPHQL_PATH } from './support-graphql-api.js';
import { DEFAULT_TOKEN_TTL_SECONDS, TokenStore } from './token-store.js';

/** Ports `npm start` uses, so the sample config's fallback URLs work. */
export const DEMO_API_PORTS = Object.freeze({ crm: 4101, billing: 4102, support: 4103 });

/** Options of {@link startDemoApis}. */
export interface StartDemoApisOptions {
  /** Interface to bind (default 127.0.0.1: the demo secrets should not be reachable from the network). */
  host?: string;
  /** Port per API; 0 or absent picks a free one (what tests want). */
  ports?: { crm?: number; billing?: number; support?: number };
  /** Data to serve (default: a fresh {@link createDemoDataset}()); shared, not copied. */
  dataset?: DemoDataset;
  /** Secrets to accept instead of the defaults. */
  credentials?: Partial<DemoCredentials>;
  /** Lifetime of billing access tokens (default 3600). */
  tokenTtlSeconds?: number;
  /** Receives one line per request; without it the servers print nothing. */
  log?: DemoLog;
}

/** Injects failures into the running APIs. */
export interface DemoApiFaults {
  /**
   * Makes the next `count` data requests to `api` fail with `status` (default 503), with a
   * `Retry-After: <retryAfterSeconds>` header when given. Token requests are never failed.
   */
  failNext(api: DemoApiName, count: number, status?: number, retryAfterSeconds?: number): void;
}

/** The running demo APIs. */
export interface DemoApis {
  /** CRM base URL (e.g. http://127.0.0.1:4101); contacts are at `${url}/v1/contacts`. */
  crm: { url: string };
  /** Billing base URL; customers are at `${url}/api/customers`, tokens at `tokenUrl`. */
  billing: { url: string; tokenUrl: string };
  /** The support desk's GraphQL endpoint (ends in /graphql). */
  support: { url: string };
  /** The data served; mutate it to change what the APIs return. */
  dataset: DemoDataset;
  /** The secrets the APIs accept. */
  credentials: DemoCredentials;
  /** Live request counters. */
  stats: DemoApiStats;
  /** Failure injection. */
  faults: DemoApiFaults;
  /** Closes all servers and their connections; safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Starts the CRM (API key, cursor pages), billing (OAuth2 client credentials, numbered pages)
 * and support desk (GraphQL, bearer token, Relay pages) demo APIs over one shared dataset.
 */
export async function startDemoApis(opts: StartDemoApisOptions = {}): Promise<DemoApis> {
  const host = opts.host ?? '127.0.0.1';
  const credentials: DemoCredentials = { ...DEFAULT_DEMO_CREDENTIALS, ...definedOnly(opts.credentials ?? {}) };
  const faults = new FaultInjector();
  const ctx: DemoApiContext = {
    dataset: opts.dataset ?? createDemoDataset(),
    credentials,
    faults,
    stats: { requests: { crm: 0, billing: 0, support: 0 }, tokensIssued: 0 },
  };
  const support = createSupportGraphqlApi(ctx);
  const servers: Record<DemoApiName, Server> = {
    crm: createDemoServer('crm', createCrmApi(ctx), opts.log),
    billing: createDemoServer('billing', createBillingApi(ctx, new TokenStore(opts.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS)), opts.log),
    support: createDemoServer('support', support.handle, opts.log),
  };

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= Promise.all(Object.values(servers).map(closeServer)).then(() => support.dispose());
    return stopping;
  };

  const ports: Partial<Record<DemoApiName, number>> = {};
  try {
    for (const name of ['crm', 'billing', 'support'] as const) ports[name] = await listen(servers[name], host, opts.ports?.[name] ?? 0);
  } catch (error) {
    // Do not leave the servers that did start holding their ports.
    await stop();
    throw error;
  }
  const billingUrl = originOf(host, ports.billing!);
  return {
    crm: { url: originOf(host, ports.crm!) },
    billing: { url: billingUrl, tokenUrl: `${billingUrl}${BILLING_TOKEN_PATH}` },
    support: { url: `${originOf(host, ports.support!)}${SUPPORT_GRAPHQL_PATH}` },
    dataset: ctx.dataset,
    credentials,
    stats: ctx.stats,
    faults: { failNext: (api, count, status, retryAfterSeconds) => faults.failNext(api, count, status, retryAfterSeconds) },
    stop,
  };
}

/** Drops keys set to undefined, so `{ crmApiKey: undefined }` keeps the default instead of erasing it. */
function definedOnly<T extends object>(partial: T): Partial<T> {
  return Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<T>;
}
