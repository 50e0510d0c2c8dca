/**
 * A local fake of the OpenStack APIs nlbkit's driver uses (Keystone v3 tokens, Neutron, Nova, Octavia
 * v2), on one loopback HTTP server: real wire format (JSON bodies, X-Auth-Token, X-Subject-Token, each
 * service's error shape), state kept, and the services' rules enforced. Faults: answer a matching call
 * with an error, before or after applying it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readJsonBody } from '../read-json.js';
import { type FakeRequest, type FakeResponse, OsFault, renderFault, type Service } from './http.js';
import { checkToken, type FakeCredentials, issueToken } from './identity.js';
import { neutron, nova } from './network.js';
import { createOctavia } from './octavia.js';
import { type Network, OpenStackState } from './state.js';

export interface OpenStackFakeOptions {
  /** Reads of a load balancer that still see it PENDING_* after a change. Default 1. */
  pendingReads?: number;
  credentials?: Partial<FakeCredentials>;
  region?: string;
}

/** A fault: the next `times` calls matching `method` and `path` (below the service prefix) fail. */
export interface FaultSpec {
  method: string;
  path: RegExp;
  status?: number;
  message?: string;
  /** Apply the change first, then answer with the error (an answer lost on the way back). */
  afterApply?: boolean;
  /** Let this many matching calls through first. Default 0. */
  skip?: number;
  times?: number;
  /** Answer with this JSON body (status 200 unless `status`) instead of an error: an odd answer. */
  answer?: unknown;
}

export interface RecordedCall {
  service: Service;
  method: string;
  path: string;
}

export interface OpenStackFake {
  authUrl: string;
  /** The fake's world; {@link OpenStackFake.reset} replaces it. */
  readonly state: OpenStackState;
  credentials: FakeCredentials;
  region: string;
  calls: RecordedCall[];
  fail(spec: FaultSpec): void;
  /** Back to how it started, on the same port: empty state (no token either), no calls, faults or listeners. */
  reset(): void;
  /** Calls `listener` with every call as it arrives (before it is answered). */
  onCall(listener: (call: RecordedCall) => void): void;
  /** Forgets every issued token (the next call with one gets 401). */
  revokeTokens(): void;
  /** `ipv6`: a second subnet, IPv6, making the network dual stack. */
  addNetwork(name: string, opts?: { external?: boolean; ipv6?: boolean }): Network;
  addServer(name: string, network: Network): { id: string; name: string };
  close(): Promise<void>;
}

const PREFIXES: [string, Service][] = [
  ['/identity', 'identity'],
  ['/load-balancer', 'load-balancer'],
  ['/network', 'network'],
  ['/compute/v2.1', 'compute'],
];

/** Starts the fake on an ephemeral loopback port. */
export async function startOpenStackFake(opts: OpenStackFakeOptions = {}): Promise<OpenStackFake> {
  let state = new OpenStackState();
  const credentials: FakeCredentials = {
    username: 'demo',
    password: 'fake-password-1234',
    projectName: 'demo',
    projectId: '4d8c2f4a9e3b4f1c8d7e6a5b4c3d2e1f',
    applicationCredential: { id: 'appcred-1', secret: 'fake-appcred-secret-5678' },
    tokenTtlMs: 3_600_000,
    ...opts.credentials,
  };
  const region = opts.region ?? 'RegionOne';
  const octaviaOn = (s: OpenStackState) => createOctavia(s, { pendingReads: opts.pendingReads ?? 1 });
  let octavia = octaviaOn(state);
  const faults: (FaultSpec & { left: number; toSkip: number })[] = [];
  const calls: RecordedCall[] = [];
  const listeners: ((call: RecordedCall) => void)[] = [];
  let endpoint = '';

  const route = (service: Service, req: FakeRequest): FakeResponse => {
    if (service === 'identity') return issueToken(state, credentials, endpoint, region, req);
    if (service === 'network') return neutron(state, req);
    if (service === 'compute') return nova(state, req);
    return octavia(req);
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const [prefix, service] = PREFIXES.find(([p]) => url.pathname.startsWith(`${p}/`)) ?? ['', 'identity'];
    let out: FakeResponse;
    try {
      const body = await readJsonBody(req, () => new OsFault(400, 'Malformed request body', 'BadRequest'));
      const parsed: FakeRequest = {
        method: req.method ?? 'GET',
        path: url.pathname.slice(prefix.length),
        query: url.searchParams,
        body,
      };
      if (service !== 'identity') checkToken(state, req.headers['x-auth-token'] as string | undefined);
      const call = { service, method: parsed.method, path: parsed.path };
      calls.push(call);
      for (const l of listeners) l(call);
      const fault = faults.find(
        (f) => f.left > 0 && f.method === parsed.method && f.path.test(parsed.path) && f.toSkip-- <= 0,
      );
      if (fault) {
        fault.left -= 1;
        if (fault.afterApply) route(service, parsed);
        if (fault.answer === undefined)
          throw new OsFault(fault.status ?? 500, fault.message ?? 'injected fault', 'Injected');
      }
      out = fault ? { status: fault.status ?? 200, body: fault.answer } : route(service, parsed);
    } catch (e) {
      const fault = e instanceof OsFault ? e : new OsFault(500, `fake bug: ${String(e)}`, 'InternalError');
      if (!(e instanceof OsFault)) console.error('[openstack-fake]', e);
      out = { status: fault.status, body: renderFault(service, fault) };
    }
    const text = out.body === undefined ? '' : JSON.stringify(out.body);
    res.writeHead(out.status, {
      ...(text ? { 'content-type': 'application/json' } : {}),
      'content-length': Buffer.byteLength(text),
      ...out.headers,
    });
    res.end(text);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    authUrl: `${endpoint}/identity/v3`,
    get state() {
      return state;
    },
    credentials,
    region,
    calls,
    fail: (spec) => faults.push({ ...spec, left: spec.times ?? 1, toSkip: spec.skip ?? 0 }),
    reset: () => {
      state = new OpenStackState();
      octavia = octaviaOn(state);
      faults.length = 0;
      calls.length = 0;
      listeners.length = 0;
    },
    onCall: (listener) => listeners.push(listener),
    revokeTokens: () => state.tokens.clear(),
    addNetwork: (name, o) => state.addNetwork(name, o),
    addServer: (name, network) => state.addServer(name, network),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
