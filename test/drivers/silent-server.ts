/** Test helper: a loopback server that accepts connections and never answers (a provider that hangs). */

import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';

export interface SilentServer {
  port: number;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Connections accepted so far (a test can check the request really was in flight). */
  accepted(): number;
  /** Connections open now (requests still waiting for an answer). */
  open(): number;
  close(): Promise<void>;
}

/** Starts one on an ephemeral loopback port. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    accepted: () => accepted,
    open: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * `http://127.0.0.1:<port>` of a port that was just free: nothing listens there, so a connection is
 * refused at once and nothing leaves the host.
 */
export function closedLoopbackUrl(): Promise<string> {
  return new Promise<string>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(`http://127.0.0.1:${port}`));
    });
  });
}
