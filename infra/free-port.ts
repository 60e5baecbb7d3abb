import net from 'node:net';

/** Loopback address every server in this layer binds to. */
export const LOOPBACK = '127.0.0.1';

/**
 * Ask the OS for a currently unused TCP port on the loopback interface.
 *
 * There is an unavoidable window between closing our probe socket and the
 * real server binding the port; callers treat a bind failure as retryable
 * rather than trying to eliminate the race.
 */
export async function freePort(host: string = LOOPBACK): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('OS returned no port'))));
    });
  });
}

/**
 * True when nothing accepts connections on `host:port` and we could bind it.
 *
 * Both are checked because a server bound to 0.0.0.0 or another loopback
 * alias may not block our bind yet would still clash with a child server.
 */
export async function isPortFree(port: number, host: string = LOOPBACK): Promise<boolean> {
  if (await acceptsConnections(port, host)) return false;
  return new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** True when a TCP connection to `host:port` succeeds within `timeoutMs`. */
export async function acceptsConnections(port: number, host: string = LOOPBACK, timeoutMs = 1000): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result: boolean): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
