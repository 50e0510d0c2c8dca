/**
 * A local fake of the Compute Engine v1 REST API for the calls nlbkit's GCP driver makes, on one
 * loopback HTTP server, reached by the real `@google-cloud/compute` clients (REST transport): bearer
 * token checked, Compute Engine's JSON error shape, state kept, its rules enforced. Faults answer a
 * matching call with an error (before or after applying it), or let it through and end its operation
 * in an error.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readJsonBody } from '../read-json.js';
import { createCompute, type GceRequest } from './compute.js';
import { GceFault, GceState, type Instance, type Network } from './state.js';

export { GceState } from './state.js';

/** A fault: the next `times` calls matching `method` and `path` (below `/compute/v1`) fail. */
export interface GceFaultSpec {
  method: string;
  path: RegExp;
  status?: number;
  reason?: string;
  message?: string;
  /** Apply the change first, then answer with the error (an answer lost on the way back). */
  afterApply?: boolean;
  /** Accept the call, and end its operation in this error without applying the change. */
  operationError?: boolean;
  /** Let this many matching calls through first. Default 0. */
  skip?: number;
  times?: number;
  /** Answer with this JSON body (status 200 unless `status`) instead of an error: an odd answer. */
  answer?: unknown;
}

export interface GceCall {
  method: string;
  path: string;
}

export interface GceFakeOptions {
  project?: string;
  region?: string;
  /** Waits that see an operation RUNNING before DONE. Default 1. */
  pendingWaits?: number;
  /** Page size of list calls. Default 500. */
  pageSize?: number;
}

export interface GceFake {
  port: number;
  project: string;
  region: string;
  zones: string[];
  /** The bearer token the fake accepts. */
  token: string;
  /** The fake's world; {@link GceFake.reset} replaces it. */
  readonly state: GceState;
  calls: GceCall[];
  fail(spec: GceFaultSpec): void;
  /** Back to how it started, on the same port: empty state, no calls, faults or listeners. */
  reset(): void;
  /** Drops every fault not yet used up. */
  clearFaults(): void;
  onCall(listener: (call: GceCall) => void): void;
  /** `ipv6`: dual-stack subnets (`stackType: IPV4_IPV6`) with an IPv6 range of that access type. */
  addNetwork(name: string, subnets?: number, ipv6?: 'EXTERNAL' | 'INTERNAL'): Network;
  addInstance(name: string, zone: string, network: Network, subnet?: number): Instance;
  /** Reserves a regional external address a PUBLIC NLB may ask for. */
  reserveAddress(ip: string): void;
  /** What getHealth reports for an instance (HEALTHY, UNHEALTHY, DRAINING, TIMEOUT, UNKNOWN). */
  setHealth(instance: string, state: string): void;
  close(): Promise<void>;
}

const PREFIX = '/compute/v1';

const errorBody = (f: GceFault) => ({
  error: {
    code: f.status,
    message: f.message,
    errors: [{ message: f.message, domain: 'global', reason: f.reason }],
  },
});

/** Starts the fake on an ephemeral loopback port. */
export async function startGceFake(opts: GceFakeOptions = {}): Promise<GceFake> {
  const project = opts.project ?? 'demo-project';
  const region = opts.region ?? 'europe-west1';
  const zones = ['b', 'c', 'd'].map((z) => `${region}-${z}`);
  const fresh = () => new GceState(project, region, zones);
  const computeOn = (s: GceState) =>
    createCompute(s, { pendingWaits: opts.pendingWaits ?? 1, pageSize: opts.pageSize ?? 500 });
  let state = fresh();
  let handle = computeOn(state);
  const token = 'fake-gce-access-token';
  const faults: (GceFaultSpec & { left: number; toSkip: number })[] = [];
  const calls: GceCall[] = [];
  const listeners: ((call: GceCall) => void)[] = [];

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    let status = 200;
    let body: unknown;
    try {
      if (req.headers.authorization !== `Bearer ${token}`)
        throw new GceFault(401, 'authError', 'Request had invalid authentication credentials.');
      if (!url.pathname.startsWith(`${PREFIX}/`)) throw new GceFault(404, 'notFound', 'Not Found');
      const parsed: GceRequest = {
        method: req.method ?? 'GET',
        path: url.pathname.slice(PREFIX.length),
        query: url.searchParams,
        body: await readJsonBody(
          req,
          () => new GceFault(400, 'parseError', 'Invalid JSON payload received.'),
        ),
      };
      const call = { method: parsed.method, path: parsed.path };
      calls.push(call);
      for (const l of listeners) l(call);
      const fault = faults.find(
        (f) => f.left > 0 && f.method === parsed.method && f.path.test(parsed.path) && f.toSkip-- <= 0,
      );
      if (fault) fault.left -= 1;
      if (fault?.operationError) {
        body = handle(parsed, {
          code: fault.reason ?? 'INJECTED',
          message: fault.message ?? 'injected operation error',
        }).body;
      } else if (fault && fault.answer !== undefined) {
        if (fault.afterApply) handle(parsed);
        status = fault.status ?? 200;
        body = fault.answer;
      } else if (fault) {
        if (fault.afterApply) handle(parsed);
        throw new GceFault(
          fault.status ?? 503,
          fault.reason ?? 'backendError',
          fault.message ?? 'injected fault',
        );
      } else {
        const out = handle(parsed);
        status = out.status;
        body = out.body;
      }
    } catch (e) {
      const fault = e instanceof GceFault ? e : new GceFault(500, 'backendError', `fake bug: ${String(e)}`);
      if (!(e instanceof GceFault)) console.error('[gce-fake]', e);
      status = fault.status;
      body = errorBody(fault);
    }
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=UTF-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    project,
    region,
    zones,
    token,
    get state() {
      return state;
    },
    calls,
    fail: (spec) => faults.push({ ...spec, left: spec.times ?? 1, toSkip: spec.skip ?? 0 }),
    clearFaults: () => {
      faults.length = 0;
    },
    reset: () => {
      state = fresh();
      handle = computeOn(state);
      faults.length = 0;
      calls.length = 0;
      listeners.length = 0;
    },
    onCall: (listener) => listeners.push(listener),
    addNetwork: (name, subnets, ipv6) => state.addNetwork(name, subnets, ipv6),
    addInstance: (name, zone, network, subnet) => state.addInstance(name, zone, network, subnet),
    reserveAddress: (ip) => state.reservedAddresses.add(ip),
    setHealth: (instance, s) => state.health.set(instance, s),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
