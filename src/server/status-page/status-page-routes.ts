/**
 * The status page at `/`: the server's connections, their NLBs, each NLB's listener, VMs and per-VM
 * health, and for native connections each node's applied revision. Gathered afresh on every load.
 */
import { Hono } from 'hono';
import { basicAuth } from 'hono/basic-auth';
import type { ConnectionRegistry } from '../connections/connection-registry.js';
import { collectStatus } from './status-data.js';
import { renderStatusPage } from './status-html.js';

/** Options of {@link statusPageRoutes}. */
export interface StatusPageOptions {
  /** How long one connection may take before the page shows it as failed, in ms. Default 5000. */
  timeoutMs?: number | undefined;
  /** HTTP Basic credentials for the page (a browser can send them). Default: none; the app's own auth applies. */
  credentials?: { username: string; password: string } | undefined;
}

/**
 * The status page, at `/` of the returned app.
 *
 * @example
 * const app = new Hono();
 * app.route('/', statusPageRoutes(registry, { timeoutMs: 3000 }));
 */
export function statusPageRoutes(registry: ConnectionRegistry, opts: StatusPageOptions = {}): Hono {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const app = new Hono();
  if (opts.credentials) app.use('/', basicAuth({ ...opts.credentials, realm: 'nlbkit' }));
  app.get('/', async (c) => {
    const connections = await collectStatus(registry, timeoutMs);
    c.header('Cache-Control', 'no-store');
    // No script runs on the page; the policy makes sure nothing injected could.
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    return c.html(renderStatusPage(connections, new Date()));
  });
  return app;
}
