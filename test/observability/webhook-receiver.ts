import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local HTTP server that records JSON POSTs, answering `status()` (default 204). */
export interface WebhookReceiver {
  readonly url: string;
  readonly received: Array<{ headers: Record<string, string | string[] | undefined>; body: Record<string, unknown> }>;
  /** Answer with this status from now on (e.g. 500 to simulate an outage of the receiver). */
  answer(status: number): void;
  /** Resolves once `n` alerts arrived (rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a webhook receiver on 127.0.0.1 and a free port. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: WebhookReceiver['received'] = [];
  const waiters: Array<() => void> = [];
  let status = 204;
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      if (status < 300) received.push({ headers: req.headers, body: JSON.parse(text) as Record<string, unknown> });
      res.writeHead(status).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answer: (s) => (status = s),
    waitFor: (n, timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`expected ${n} alerts, got ${received.length}: ${JSON.stringify(received.map((r) => r.body.key))}`)), timeoutMs);
        const check = () => {
          if (received.length >= n) {
            clearTimeout(deadline);
            resolve();
          } else waiters.push(check);
        };
        check();
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
