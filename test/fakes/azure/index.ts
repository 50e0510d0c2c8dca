/**
 * A local fake of the Azure Resource Manager APIs the Azure driver uses (Microsoft.Network: virtual
 * networks, network interfaces, public IPs, load balancers and the rule health operation), on one
 * loopback HTTP server: real wire format (ARM JSON with `properties`, `api-version`, bearer token,
 * `{error: {code, message}}`), long-running operations as ARM runs them (201/202 with
 * `Azure-AsyncOperation` / `Location`, in progress for a set number of polls), state kept, and ARM's
 * rules enforced. Clients reach it through {@link fakeHttpClient}, which sends requests for
 * https://management.azure.com here (the SDK's bearer-token policy refuses plain http).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDefaultHttpClient, createPipelineRequest, type HttpClient } from '@azure/core-rest-pipeline';
import { readJsonBody } from '../read-json.js';
import { ArmFault, armError, arr, invalid, notFound, obj, sameId } from './arm.js';
import { validateLoadBalancer } from './load-balancer.js';
import { AzureState, type FakeOperation, type FakeVnet, type Json } from './state.js';
import { nicView, vnetView } from './views.js';

export const FAKE_TOKEN = 'fake-azure-token-0123456789';
const ARM = 'https://management.azure.com';

export interface AzureFaultSpec {
  method: string;
  /** Matched against the path below `/providers/Microsoft.Network/` (or the whole path for operations). */
  path: RegExp;
  status?: number;
  code?: string;
  /** Apply the request first, then answer with the error. */
  afterApply?: boolean;
  skip?: number;
  times?: number;
  /** Answer with this JSON body (status 200 unless `status`) instead of an error: an odd answer. */
  answer?: unknown;
}

export interface RecordedArmCall {
  method: string;
  path: string;
}

export interface AzureFake {
  endpoint: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  /** The fake's world; {@link AzureFake.reset} replaces it. */
  readonly state: AzureState;
  calls: RecordedArmCall[];
  /** A VNet; `ipv6`: its subnet is dual stack, and VMs added to it get an IPv6 ip configuration. */
  addVnet(name: string, opts?: { ipv6?: boolean }): FakeVnet;
  addVm(name: string, vnet: FakeVnet): { vmId: string; ip: string };
  fail(spec: AzureFaultSpec): void;
  /** Back to how it started, on the same port: empty state, no calls, faults or listeners. */
  reset(): void;
  /** Calls `listener` with every call as it arrives (before it is answered). */
  onCall(listener: (call: RecordedArmCall) => void): void;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function startAzureFake(opts: { pendingPolls?: number } = {}): Promise<AzureFake> {
  const subscriptionId = '00000000-1111-2222-3333-444444444444';
  const resourceGroup = 'nlbkit-rg';
  const location = 'westeurope';
  let state = new AzureState(subscriptionId, resourceGroup);
  const pending = opts.pendingPolls ?? 1;
  const calls: RecordedArmCall[] = [];
  const listeners: ((call: RecordedArmCall) => void)[] = [];
  const faults: (AzureFaultSpec & { left: number; toSkip: number })[] = [];
  const apiVersion = '2025-05-01';

  /** Starts a long-running operation; the answer carries where to poll it. */
  const longRunning = (status: number, body: unknown, finish: FakeOperation['finish']): Answer => {
    const id = randomUUID();
    state.operations.set(id, { reads: pending, finish });
    const base = `${ARM}/subscriptions/${subscriptionId}/providers/Microsoft.Network/locations/${location}`;
    return {
      status,
      body,
      headers: {
        'azure-asyncoperation': `${base}/operations/${id}?api-version=${apiVersion}`,
        location: `${base}/operationResults/${id}?api-version=${apiVersion}`,
        'retry-after': '0',
      },
    };
  };
  const settle = (op: FakeOperation) => {
    if (!op.done && op.reads-- <= 0) op.done = op.finish();
    return op.done;
  };

  const ipView = (ip: Json) => ip;
  const route = (
    method: string,
    path: string,
    query: URLSearchParams,
    body: Json | undefined,
    headers: IncomingMessage['headers'] = {},
  ): Answer => {
    // Long-running operations.
    const m = path.match(
      /\/providers\/Microsoft\.Network\/locations\/[^/]+\/(operations|operationResults)\/([^/]+)$/,
    );
    if (m && method === 'GET') {
      const op = state.operations.get(m[2] as string);
      if (!op) throw new ArmFault(404, 'NotFound', 'operation not found');
      const done = settle(op);
      if (m[1] === 'operations')
        return {
          status: 200,
          body: done
            ? { status: done.status, ...(done.error ? { error: done.error } : {}) }
            : { status: 'InProgress' },
          headers: { 'retry-after': '0' },
        };
      if (!done) return { status: 202, headers: { location: `${ARM}${path}?${query}`, 'retry-after': '0' } };
      if (done.error) return { status: 400, body: { error: done.error } };
      return done.body === undefined ? { status: 204 } : { status: 200, body: done.body };
    }
    const prefix = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/`;
    if (!path.toLowerCase().startsWith(prefix.toLowerCase()))
      throw new ArmFault(
        404,
        'ResourceGroupNotFound',
        `Resource group or subscription of ${path} not found.`,
      );
    const rest = path.slice(prefix.length);
    const [type, rawName, ...sub] = rest.split('/');
    const name = (rawName ?? '').toLowerCase();

    if (type === 'virtualNetworks' && method === 'GET' && rawName) {
      const vnet = state.vnets.find((v) => v.name.toLowerCase() === name);
      if (!vnet) throw notFound('virtualNetworks', rawName);
      return { status: 200, body: vnetView(vnet, location) };
    }
    if (type === 'networkInterfaces' && method === 'GET' && !rawName) {
      // Two per page, as ARM pages long lists.
      const from = Number(query.get('$skiptoken') ?? 0);
      const page = state.nics.slice(from, from + 2).map(nicView);
      const next =
        from + 2 < state.nics.length
          ? `${ARM}${path}?api-version=${apiVersion}&$skiptoken=${from + 2}`
          : undefined;
      return { status: 200, body: { value: page, ...(next ? { nextLink: next } : {}) } };
    }
    if (type === 'publicIPAddresses' && rawName) {
      const ip = state.publicIps.get(name);
      if (method === 'GET') {
        if (!ip) throw notFound('publicIPAddresses', rawName);
        return { status: 200, body: ipView(ip) };
      }
      if (method === 'PUT') {
        if (obj(body, 'sku').name !== 'Standard')
          throw invalid('InvalidRequestFormat', 'Only Standard public IPs are offered by this fake.');
        const version = obj(body, 'properties').publicIPAddressVersion ?? 'IPv4';
        if (version !== 'IPv4' && version !== 'IPv6')
          throw invalid('InvalidRequestFormat', `publicIPAddressVersion ${String(version)} is invalid.`);
        if (ip && (obj(ip, 'properties').publicIPAddressVersion ?? 'IPv4') !== version)
          throw invalid(
            'PublicIPAddressVersionCannotBeChanged',
            `The IP version of public IP address ${rawName} cannot be changed.`,
          );
        // IPv6 as IPv4: a Standard public IP is Static (Basic, which allowed dynamic IPv6, is retired).
        if (obj(body, 'properties').publicIPAllocationMethod !== 'Static')
          throw invalid(
            'StandardSkuPublicIPAddressesMustBeStatic',
            'Standard sku publicIp addresses must be Static.',
          );
        const stored: Json = {
          name: rawName,
          id: state.id('Network', 'publicIPAddresses', rawName),
          location: body?.location,
          sku: obj(body, 'sku'),
          tags: obj(body, 'tags'),
          properties: {
            ...obj(body, 'properties'),
            ipAddress:
              (obj(ip, 'properties').ipAddress as string | undefined) ??
              state.nextPublicIp(version === 'IPv6' ? 'IPv6' : 'IPv4'),
            provisioningState: 'Succeeded',
          },
        };
        state.publicIps.set(name, stored);
        return longRunning(ip ? 200 : 201, stored, () => ({ status: 'Succeeded' }));
      }
      if (method === 'DELETE') {
        if (!ip) return { status: 204 };
        for (const lb of state.lbs.values())
          if (
            arr(obj(lb, 'properties'), 'frontendIPConfigurations').some((f) =>
              sameId(obj(obj(f, 'properties'), 'publicIPAddress').id, String(ip.id)),
            )
          )
            throw invalid(
              'InUsePublicIpAddressCannotBeDeleted',
              `Public IP address ${String(ip.id)} can not be deleted since it is still allocated to resource ${String(lb.id)}.`,
            );
        return longRunning(202, undefined, () => {
          state.publicIps.delete(name);
          return { status: 'Succeeded' };
        });
      }
    }
    if (type === 'loadBalancers') {
      if (!rawName && method === 'GET') return { status: 200, body: { value: [...state.lbs.values()] } };
      const lb = state.lbs.get(name);
      if (sub[0] === 'loadBalancingRules' && sub[2] === 'health' && method === 'POST') {
        if (!lb) throw notFound('loadBalancers', rawName as string);
        const rule = arr(obj(lb, 'properties'), 'loadBalancingRules').find(
          (r) => String(r.name).toLowerCase() === sub[1]?.toLowerCase(),
        );
        if (!rule) throw notFound('loadBalancingRules', sub[1] as string);
        const poolId = obj(obj(rule, 'properties'), 'backendAddressPool').id;
        const pool = arr(obj(lb, 'properties'), 'backendAddressPools').find((p) =>
          sameId(poolId, String(p.id)),
        );
        const addresses = arr(obj(pool, 'properties'), 'loadBalancerBackendAddresses').map((a) => {
          const ip = String(obj(a, 'properties').ipAddress);
          const h = state.health.get(ip) ?? { state: 'Up' };
          return { ipAddress: ip, state: h.state, ...(h.reason ? { reason: h.reason } : {}) };
        });
        const report = {
          up: addresses.filter((a) => a.state === 'Up').length,
          down: addresses.filter((a) => a.state === 'Down').length,
          loadBalancerBackendAddresses: addresses,
        };
        const answer = longRunning(202, undefined, () => ({ status: 'Succeeded', body: report }));
        delete answer.headers?.['azure-asyncoperation'];
        return answer;
      }
      if (sub.length > 0) throw new ArmFault(404, 'NotFound', `No route for ${path}`);
      if (method === 'GET') {
        if (!lb) throw notFound('loadBalancers', rawName as string);
        return { status: 200, body: lb };
      }
      if (method === 'PUT') {
        // Conditional PUTs, as ARM honours them on network resources.
        if (headers['if-none-match'] === '*' && lb)
          throw new ArmFault(412, 'PreconditionFailed', `Load balancer ${rawName} already exists.`);
        const ifMatch = headers['if-match'];
        if (ifMatch && ifMatch !== '*' && (!lb || lb.etag !== ifMatch))
          throw new ArmFault(
            412,
            'PreconditionFailed',
            `The etag ${ifMatch} does not match load balancer ${rawName}.`,
          );
        const stored = validateLoadBalancer(state, rawName as string, body ?? {}, lb);
        state.lbs.set(name, stored);
        return longRunning(lb ? 200 : 201, stored, () => {
          (stored.properties as Json).provisioningState = 'Succeeded';
          return { status: 'Succeeded' };
        });
      }
      if (method === 'DELETE') {
        if (!lb) return { status: 204 };
        (lb.properties as Json).provisioningState = 'Deleting';
        return longRunning(202, undefined, () => {
          state.lbs.delete(name);
          return { status: 'Succeeded' };
        });
      }
    }
    throw new ArmFault(404, 'NotFound', `No route for ${method} ${path}`);
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    let answer: Answer;
    try {
      const body = await readJsonBody(req, () =>
        invalid('InvalidRequestContent', 'The request content was invalid and could not be deserialized.'),
      );
      if (req.headers.authorization !== `Bearer ${FAKE_TOKEN}`)
        throw new ArmFault(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
      if (!url.searchParams.get('api-version'))
        throw invalid(
          'MissingApiVersionParameter',
          'The api-version query parameter (?api-version=) is required for all requests.',
        );
      const method = req.method ?? 'GET';
      const call = { method, path: url.pathname };
      calls.push(call);
      for (const l of listeners) l(call);
      const shortPath = url.pathname.replace(/^.*\/providers\/Microsoft\.Network\//, '');
      const fault = faults.find(
        (f) => f.left > 0 && f.method === method && f.path.test(shortPath) && f.toSkip-- <= 0,
      );
      if (fault) {
        fault.left -= 1;
        if (fault.afterApply) route(method, url.pathname, url.searchParams, body, req.headers);
        if (fault.answer === undefined)
          throw new ArmFault(fault.status ?? 500, fault.code ?? 'InternalServerError', 'injected fault');
      }
      answer = fault
        ? { status: fault.status ?? 200, body: fault.answer }
        : route(method, url.pathname, url.searchParams, body, req.headers);
    } catch (e) {
      const f =
        e instanceof ArmFault ? e : new ArmFault(500, 'InternalServerError', `fake bug: ${String(e)}`);
      if (!(e instanceof ArmFault)) console.error('[azure-fake]', e);
      answer = { status: f.status, body: armError(f) };
    }
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      'content-length': Buffer.byteLength(text),
      'x-ms-request-id': randomUUID(),
      ...answer.headers,
    });
    res.end(text);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    subscriptionId,
    resourceGroup,
    location,
    get state() {
      return state;
    },
    calls,
    addVnet: (name, opts) => state.addVnet(name, opts),
    addVm: (name, vnet) => state.addVm(name, vnet),
    onCall: (listener) => listeners.push(listener),
    fail: (spec) => faults.push({ ...spec, left: spec.times ?? 1, toSkip: spec.skip ?? 0 }),
    reset: () => {
      state = new AzureState(subscriptionId, resourceGroup);
      faults.length = 0;
      calls.length = 0;
      listeners.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An HttpClient that sends requests for Resource Manager to the fake (a copy per request: pollers reuse theirs). */
export function fakeHttpClient(fake: AzureFake): HttpClient {
  return redirectingHttpClient(fake.endpoint);
}

/** Sends the SDK's Resource Manager requests to `endpoint` (`http://127.0.0.1:<port>`) instead. */
export function redirectingHttpClient(endpoint: string): HttpClient {
  const inner = createDefaultHttpClient();
  return {
    sendRequest(request) {
      const url = new URL(request.url);
      const copy = createPipelineRequest({
        url: `${endpoint}${url.pathname}${url.search}`,
        method: request.method,
        headers: request.headers,
        body: request.body,
        timeout: request.timeout,
        abortSignal: request.abortSignal,
        requestId: request.requestId,
        allowInsecureConnection: true,
      });
      // The SDK finds how to read a response through its request object: hand back the original.
      return inner.sendRequest(copy).then((response) => ({ ...response, request }));
    },
  };
}

/** A credential that hands out the fake's token. */
export const fakeCredential = {
  getToken: async () => ({ token: FAKE_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};
