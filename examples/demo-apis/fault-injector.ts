import type { ServerResponse } from 'node:http';
import type { DemoApiName } from './demo-api-context.js';
import { sendJson } from './http-kit.js';

/** One injected failure. */
export interface InjectedFault {
  /** HTTP status to answer with. */
  status: number;
  /** Seconds for the `Retry-After` header, if any. */
  retryAfterSeconds?: number;
}

/**
 * Queues failures for the next data requests of an API, so tests can check that a sync retries
 * transient errors, honours Retry-After and resumes from its checkpoint.
 */
export class FaultInjector {
  private readonly queues: Record<DemoApiName, { remaining: number; fault: InjectedFault }[]> = { crm: [], billing: [], support: [] };

  /**
   * Makes the next `count` data requests to `api` fail with `status` (default 503), adding a
   * `Retry-After` header when `retryAfterSeconds` is given. Calls queue up behind each other.
   */
  failNext(api: DemoApiName, count: number, status = 503, retryAfterSeconds?: number): void {
    if (!(api in this.queues)) throw new Error(`unknown demo API "${api}"`);
    if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error(`status must be an HTTP error status (400-599), got ${status}`);
    if (retryAfterSeconds !== undefined && (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0)) {
      throw new Error(`retryAfterSeconds must be a non-negative integer, got ${retryAfterSeconds}`);
    }
    if (count === 0) return;
    this.queues[api].push({ remaining: count, fault: retryAfterSeconds === undefined ? { status } : { status, retryAfterSeconds } });
  }

  /** Consumes and returns the fault for the current request to `api`, if one is pending. */
  take(api: DemoApiName): InjectedFault | undefined {
    const queue = this.queues[api];
    const head = queue[0];
    if (!head) return undefined;
    if (--head.remaining === 0) queue.shift();
    return head.fault;
  }

  /** How many injected failures are still pending for `api`. */
  pending(api: DemoApiName): number {
    return this.queues[api].reduce((sum, q) => sum + q.remaining, 0);
  }
}

const codes: Record<number, string> = {
  429: 'rate_limited',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

/** A short machine-readable code for an injected status, like a real gateway would send. */
export function faultCode(status: number): string {
  return codes[status] ?? (status >= 500 ? 'server_error' : 'request_failed');
}

/** The headers of an injected failure's response. */
export function faultHeaders(fault: InjectedFault): Record<string, string> {
  return fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
}

/** Answers with an injected failure in the REST APIs' JSON error shape. */
export function sendFault(res: ServerResponse, fault: InjectedFault): void {
  sendJson(res, fault.status, { error: faultCode(fault.status), injected: true }, faultHeaders(fault));
}
