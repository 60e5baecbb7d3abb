import type { DemoCredentials } from './demo-credentials.js';
import type { DemoDataset } from './demo-records.js';
import type { FaultInjector } from './fault-injector.js';

/** The three demo APIs. */
export type DemoApiName = 'crm' | 'billing' | 'support';

/** Live counters; the object is updated in place, so read it whenever you like. */
export interface DemoApiStats {
  /** Requests to each API's data endpoints, whatever their outcome (token requests excluded). */
  requests: Record<DemoApiName, number>;
  /** Access tokens the billing API has issued. */
  tokensIssued: number;
}

/** What every demo API handler shares with the others and with the test that started it. */
export interface DemoApiContext {
  /** The data served, read afresh on every request. */
  dataset: DemoDataset;
  /** The secrets accepted. */
  credentials: DemoCredentials;
  /** Pending injected failures. */
  faults: FaultInjector;
  /** Counters. */
  stats: DemoApiStats;
}
