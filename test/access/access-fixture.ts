import { createAccessApp, resolveTokens, serveAccessApi, type AccessServer } from '../../access/index.js';
import type { TributaryConfig } from '../../config/tributary-config.js';
import { createMetrics, type TributaryMetrics } from '../../observability/metrics.js';
import { type MergeFixture, createMergeFixture, mergeConfig } from '../merge/merge-fixture.js';

/** Tokens of the test config. */
export const TOKENS = { reader: 'reader-token-0123456789abcdef', ops: 'ops-token-0123456789abcdef0000', runsOnly: 'runs-token-0123456789abcdef000' };

/** The `customer` entity of the access tests: every field type. */
export const customerEntity = {
  matchOn: ['email'],
  fields: {
    email: { type: 'string', doc: 'Primary e-mail, lower-case.' },
    name: { type: 'string', strategy: 'priority', priority: ['crm', 'billing'] },
    plan: { type: 'string' },
    score: { type: 'integer' },
    balance: { type: 'decimal' },
    active: { type: 'boolean' },
    signed_up: { type: 'timestamp' },
    tags: { type: 'string', array: true, strategy: 'union' },
  },
  sources: {
    'crm.contacts': { fields: { email: { path: '$.email', transforms: ['lower'] }, name: '$.name', score: '$.score', active: '$.active', signed_up: '$.signed_up', tags: '$.tags' } },
    'billing.customers': { fields: { email: { path: '$.email', transforms: ['lower'] }, name: '$.name', plan: '$.plan', balance: '$.balance' } },
  },
};

/** A served access API over a merged database. */
export interface AccessFixture {
  readonly f: MergeFixture;
  readonly config: TributaryConfig;
  readonly api: AccessServer;
  readonly metrics: TributaryMetrics;
  /** GET with a token (default: ops), answering status and parsed JSON. */
  get(path: string, token?: string | null): Promise<{ status: number; body: any; headers: Headers }>;
  /** POST a GraphQL query. */
  graphql(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** n customers: crm has all, billing every second one (same e-mail in other case). */
export function people(n: number) {
  const crm = Array.from({ length: n }, (_, i) => ({
    id: `c${i}`,
    email: `p${String(i).padStart(3, '0')}@example.com`,
    name: i % 7 === 0 ? null : `Person ${i}`,
    score: i * 10,
    active: i % 3 !== 0,
    signed_up: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
    tags: i % 4 === 0 ? ['vip', 'early'] : ['regular'],
  }));
  const billing = crm.filter((_, i) => i % 2 === 0).map((p, i) => ({ id: 1000 + i, email: p.email.toUpperCase(), name: `Billing ${p.name}`, plan: i % 3 === 0 ? 'pro' : 'free', balance: `${i}.50` }));
  return { crm, billing };
}

/** Creates a database with `n` merged customers and serves the API with tokens on 127.0.0.1. */
export async function createAccessFixture(n = 30, extra: Record<string, unknown> = {}): Promise<AccessFixture> {
  const f = await createMergeFixture();
  const env = { READ_TOKEN: TOKENS.reader, OPS_TOKEN: TOKENS.ops, RUNS_TOKEN: TOKENS.runsOnly };
  const config = mergeConfig(
    { customer: customerEntity },
    {
      access: {
        tokens: [
          { name: 'reader', token: 'env:READ_TOKEN', scopes: ['customer:read'] },
          { name: 'ops', token: 'env:OPS_TOKEN', scopes: ['*'] },
          { name: 'runs', token: 'env:RUNS_TOKEN', scopes: ['runs:read'] },
        ],
        maxPageSize: 100,
        defaultPageSize: 10,
        maxQueryDepth: 5,
        maxQueryFields: 60,
      },
      pipelines: { main: { schedule: { every: '15m' }, sources: ['crm', 'billing'] } },
      ...extra,
    },
  );
  const { crm, billing } = people(n);
  await f.stage('r1', 'crm.contacts', crm);
  await f.stage('r1', 'billing.customers', billing);
  await f.merge(config, 'r1');
  const metrics = createMetrics();
  const api = await serveAccessApi(createAccessApp({ db: f.db, config, metrics, tokens: await resolveTokens(config.access, env), temporalUiUrl: 'http://127.0.0.1:8233' }));
  const auth = (token: string | null | undefined): Record<string, string> => (token === null ? {} : { authorization: `Bearer ${token ?? TOKENS.ops}` });
  return {
    f,
    config,
    api,
    metrics,
    async get(path, token) {
      const res = await fetch(`${api.url}${path}`, { headers: auth(token), redirect: 'manual' });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Prometheus text stays text.
      }
      return { status: res.status, body, headers: res.headers };
    },
    async graphql(query, variables, token) {
      const res = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth(token) }, body: JSON.stringify({ query, variables }) });
      return { status: res.status, body: await res.json() };
    },
    async close() {
      await api.close();
      await f.close();
    },
  };
}
