import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where to serve metrics. */
export interface MetricsServerOptions {
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Address to bind. Default 127.0.0.1: metrics stay on the node unless you choose otherwise. */
  host?: string;
}

/** A running metrics endpoint. */
export interface MetricsServer {
  /** e.g. http://127.0.0.1:9464/metrics */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` with the text `render()` returns; every other request gets 404.
 *
 * @example
 * const server = await startMetricsServer(() => monitor.metricsText(), { port: 9464 });
 */
export function startMetricsServer(
  render: () => string,
  { port = 0, host = '127.0.0.1' }: MetricsServerOptions = {},
): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') return res.writeHead(404).end('not found\n');
    let body: string;
    try {
      body = render();
    } catch (err) {
      return res.writeHead(500).end(`metrics failed: ${String(err)}\n`);
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const bound = (server.address() as AddressInfo).port;
      const hostPart = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${hostPart}:${bound}/metrics`,
        port: bound,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
