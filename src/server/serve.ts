/**
 * Running the app on a socket, and stopping it gracefully: stop accepting, let requests in flight
 * finish until a deadline, then abort the operations still running (each driver undoes what it
 * started), close the sockets and the connections' handlers.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { ListenAddress } from './listen-address.js';

/** A listening server. */
export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  port: number;
  /** Requests being answered now. */
  inFlight(): number;
  /**
   * Stops accepting, waits up to `deadlineMs` (default 30 s) for requests in flight, then calls
   * `abort` (which aborts their operations) and waits up to `abortGraceMs` (default 5 s) for their
   * answers before closing every socket.
   */
  close(opts?: {
    deadlineMs?: number | undefined;
    abort?: (() => void) | undefined;
    abortGraceMs?: number | undefined;
  }): Promise<void>;
}

/** Serves `app` on `address`. */
export async function listen(app: Hono, address: ListenAddress): Promise<RunningServer> {
  let inFlight = 0;
  const idle: Array<() => void> = [];
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: address.host, port: address.port }, () => resolve(s));
    s.once('error', reject);
  });
  server.on('request', (_req, res) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) for (const wake of idle.splice(0)) wake();
    });
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  const drained = (ms: number) =>
    new Promise<void>((resolve) => {
      if (inFlight === 0) return resolve();
      const timer = setTimeout(resolve, ms);
      idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });

  return {
    url: `http://${host}:${bound.port}`,
    port: bound.port,
    inFlight: () => inFlight,
    async close(opts = {}) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if ('closeIdleConnections' in server) server.closeIdleConnections();
      await drained(opts.deadlineMs ?? 30_000);
      if (inFlight > 0) {
        opts.abort?.();
        await drained(opts.abortGraceMs ?? 5_000);
      }
      if ('closeAllConnections' in server) server.closeAllConnections();
      await closed;
    },
  };
}
