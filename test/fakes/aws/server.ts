/**
 * The HTTP side: one loopback server for every service, routed on the `Version` form parameter,
 * recording each call and applying injected faults before the handler runs.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsFault } from './errors.js';
import type { FaultInjector } from './faults.js';
import { decodeForm, Params } from './form.js';
import { renderQueryError, type ServiceDef } from './protocols.js';
import type { FakeState } from './state.js';

/** One recorded call; `params` excludes `Action` and `Version`. */
export interface RecordedCall {
  action: string;
  params: Record<string, string>;
}

/** What the server needs from the rest of the fake. */
export interface ServerDeps {
  state: FakeState;
  faults: FaultInjector;
  services: readonly ServiceDef[];
  calls: RecordedCall[];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string, requestId: string): void {
  res.writeHead(status, {
    'content-type': 'text/xml;charset=UTF-8',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
  });
  res.end(body);
}

/** Answers one request; never throws (unexpected errors become `InternalFailure` 500s). */
export async function handleRequest(
  deps: ServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const requestId = randomUUID();
  const raw = decodeForm(await readBody(req));
  const { Action: action = '', Version: version = '', ...params } = raw;
  const service = deps.services.find((s) => s.version === version);
  if (!service) {
    const fault = new AwsFault('InvalidAction', `Could not find operation ${action} for version ${version}`);
    send(res, 400, renderQueryError(fault, requestId), requestId);
    return;
  }
  deps.calls.push({ action, params });
  try {
    const handler = service.handlers[action];
    if (!handler)
      throw new AwsFault('InvalidAction', `Could not find operation ${action} for version ${version}`);
    const injected = deps.faults.check(action, service.throttle);
    if (injected) throw injected;
    const result = handler({ state: deps.state, params: new Params(params), action });
    send(res, 200, service.renderResult(action, result, requestId), requestId);
  } catch (err) {
    const fault =
      err instanceof AwsFault
        ? err
        : new AwsFault('InternalFailure', `Fake ${service.name} bug: ${String(err)}`, 500);
    if (!(err instanceof AwsFault)) console.error(`[aws-fake] ${action} crashed`, err);
    send(res, fault.status, service.renderError(fault, requestId), requestId);
  }
}

/** Starts listening on an ephemeral loopback port. */
export async function listen(deps: ServerDeps): Promise<{ server: Server; endpoint: string }> {
  const server = createServer((req, res) => {
    void handleRequest(deps, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, endpoint: `http://127.0.0.1:${port}` };
}
