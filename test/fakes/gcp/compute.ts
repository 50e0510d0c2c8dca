/**
 * The Compute Engine v1 REST calls the driver makes, answered from GceState: regional health checks,
 * backend services (with getHealth) and forwarding rules; zonal GCE_VM_IP network endpoint groups;
 * aggregated instance lists with a `name eq "regex"` filter; and operations, which report RUNNING for
 * a set number of waits before DONE. Mutations are applied when accepted, as GCE's are visible at once.
 */

import { instanceGroups } from './instance-groups.js';
import { patchRule, setLabels } from './labels.js';
import {
  backendServiceOf,
  checkName,
  checkUnused,
  forwardingRuleOf,
  healthCheckOf,
  releaseAddress,
} from './resources.js';
import {
  GceFault,
  type GceState,
  invalid,
  type Json,
  lastSegment,
  newId,
  notFound,
  zoneOf,
} from './state.js';

export interface GceRequest {
  method: string;
  /** Below `/compute/v1`, e.g. `/projects/p/regions/r/healthChecks`. */
  path: string;
  query: URLSearchParams;
  body: Json | undefined;
}

export interface GceResponse {
  status: number;
  body: unknown;
}

/** How the next mutation's operation ends: with this error, the change not made. */
export interface OperationError {
  code: string;
  message: string;
}

export interface ComputeOptions {
  /** Waits on an operation that still see it RUNNING. */
  pendingWaits: number;
  /** Page size of list calls. */
  pageSize: number;
}

const ok = (body: unknown): GceResponse => ({ status: 200, body });

export function createCompute(state: GceState, options: ComputeOptions) {
  const p = `/projects/${state.project}`;
  const regional = `${p}/regions/${state.region}`;

  function operation(
    scope: { zone?: string },
    type: string,
    target: string,
    apply: () => void,
    failWith?: OperationError,
  ): GceResponse {
    const id = newId();
    const name = `operation-${id}`;
    const selfLink = scope.zone
      ? state.zoneUrl(scope.zone, 'operations', name)
      : state.regionUrl('operations', name);
    const resource: Json = {
      kind: 'compute#operation',
      id,
      name,
      operationType: type,
      targetLink: target,
      status: options.pendingWaits > 0 ? 'RUNNING' : 'DONE',
      progress: 0,
      insertTime: new Date().toISOString(),
      selfLink,
      ...(scope.zone ? { zone: state.zoneSelf(scope.zone) } : { region: state.regionSelf }),
    };
    if (failWith) {
      resource.error = { errors: [{ code: failWith.code, message: failWith.message }] };
      resource.httpErrorStatusCode = 400;
    } else apply();
    state.operations.set(name, { resource, waitsLeft: options.pendingWaits });
    return ok(resource);
  }

  function waitFor(name: string): GceResponse {
    const op = state.operations.get(name);
    if (!op) throw notFound(`operations/${name}`);
    if (op.waitsLeft > 0) op.waitsLeft -= 1;
    if (op.waitsLeft === 0) op.resource.status = 'DONE';
    return ok(op.resource);
  }

  function page(items: Json[], query: URLSearchParams): GceResponse {
    const start = Number(query.get('pageToken') ?? 0);
    const size = Number(query.get('maxResults') ?? options.pageSize);
    const next = start + size < items.length ? String(start + size) : undefined;
    return ok({ items: items.slice(start, start + size), ...(next ? { nextPageToken: next } : {}) });
  }

  const getOr404 = (map: Map<string, Json>, name: string, path: string): Json => {
    const r = map.get(name);
    if (!r) throw notFound(path);
    return r;
  };

  function regionalCrud(
    kind: 'healthChecks' | 'backendServices' | 'forwardingRules',
    map: Map<string, Json>,
    make: (body: Json, name: string, existing?: Json) => Json,
    req: GceRequest,
    rest: string,
    failWith?: OperationError,
  ): GceResponse | undefined {
    const path = `projects/${state.project}/regions/${state.region}/${kind}`;
    if (rest === '' && req.method === 'GET') return page([...map.values()], req.query);
    if (rest === '' && req.method === 'POST') {
      const body = req.body ?? {};
      const name = checkName(kind, body);
      if (map.has(name))
        throw new GceFault(409, 'alreadyExists', `The resource '${path}/${name}' already exists`);
      const made = make(body, name);
      // An insert that ends in an error takes no address either.
      if (failWith && kind === 'forwardingRules') releaseAddress(state, made);
      return operation({}, 'insert', String(made.selfLink), () => map.set(name, made), failWith);
    }
    const name = rest.slice(1);
    if (name.includes('/')) return undefined;
    const current = getOr404(map, name, `${path}/${name}`);
    if (req.method === 'GET') return ok(current);
    if (req.method === 'DELETE') {
      checkUnused(state, String(current.selfLink), `${path}/${name}`);
      return operation(
        {},
        'delete',
        String(current.selfLink),
        () => {
          map.delete(name);
          if (kind === 'forwardingRules') releaseAddress(state, current);
        },
        failWith,
      );
    }
    if (req.method === 'PATCH' && kind === 'forwardingRules') {
      const next = patchRule(current, req.body);
      return operation({}, 'patch', String(current.selfLink), () => map.set(name, next), failWith);
    }
    if ((req.method === 'PUT' || req.method === 'PATCH') && kind !== 'forwardingRules') {
      const body = req.body ?? {};
      if (body.fingerprint !== undefined && body.fingerprint !== current.fingerprint)
        throw new GceFault(
          412,
          'conditionNotMet',
          'Supplied fingerprint does not match current metadata fingerprint.',
        );
      const merged = req.method === 'PATCH' ? { ...current, ...body } : { ...body };
      if (merged.name !== undefined && merged.name !== name)
        throw invalid("Invalid value for field 'resource.name': cannot be changed.");
      const next = make(merged, name, current);
      return operation(
        {},
        req.method === 'PUT' ? 'update' : 'patch',
        String(current.selfLink),
        () => map.set(name, next),
        failWith,
      );
    }
    return undefined;
  }

  function negs(
    zone: string,
    req: GceRequest,
    rest: string,
    failWith?: OperationError,
  ): GceResponse | undefined {
    if (!state.zones.includes(zone)) throw notFound(`projects/${state.project}/zones/${zone}`);
    const path = `projects/${state.project}/zones/${zone}/networkEndpointGroups`;
    if (rest === '' && req.method === 'POST') {
      const body = req.body ?? {};
      const name = checkName('networkEndpointGroups', body);
      if (state.negs.has(`${zone}/${name}`))
        throw new GceFault(409, 'alreadyExists', `The resource '${path}/${name}' already exists`);
      if (body.networkEndpointType !== 'GCE_VM_IP')
        throw invalid(
          `Invalid value for field 'resource.networkEndpointType': '${String(body.networkEndpointType)}'. This fake models GCE_VM_IP.`,
        );
      if (typeof body.network !== 'string' || !state.networks.has(lastSegment(body.network)))
        throw invalid("Invalid value for field 'resource.network': a network is required.");
      const selfLink = state.zoneUrl(zone, 'networkEndpointGroups', name);
      const resource: Json = {
        kind: 'compute#networkEndpointGroup',
        id: newId(),
        creationTimestamp: new Date().toISOString(),
        name,
        description: body.description ?? '',
        networkEndpointType: 'GCE_VM_IP',
        network: state.networkUrl(lastSegment(body.network)),
        ...(typeof body.subnetwork === 'string'
          ? { subnetwork: state.subnetUrl(lastSegment(body.subnetwork)) }
          : {}),
        size: 0,
        zone: state.zoneSelf(zone),
        selfLink,
      };
      return operation(
        { zone },
        'insert',
        selfLink,
        () => state.negs.set(`${zone}/${name}`, { resource, endpoints: new Map() }),
        failWith,
      );
    }
    const [, name, verb] = rest.match(/^\/([^/]+)(?:\/([A-Za-z]+))?$/) ?? [];
    if (!name) return undefined;
    const neg = state.negs.get(`${zone}/${name}`);
    if (!neg) throw notFound(`${path}/${name}`);
    const selfLink = String(neg.resource.selfLink);
    if (!verb && req.method === 'GET') return ok({ ...neg.resource, size: neg.endpoints.size });
    if (!verb && req.method === 'DELETE') {
      checkUnused(state, selfLink, `${path}/${name}`);
      return operation({ zone }, 'delete', selfLink, () => state.negs.delete(`${zone}/${name}`), failWith);
    }
    if (verb === 'listNetworkEndpoints' && req.method === 'POST')
      return page(
        [...neg.endpoints.values()].map((e) => ({
          networkEndpoint: { instance: e.instance, ipAddress: e.ipAddress },
        })),
        req.query,
      );
    if ((verb === 'attachNetworkEndpoints' || verb === 'detachNetworkEndpoints') && req.method === 'POST') {
      const list = (req.body?.networkEndpoints ?? []) as Json[];
      if (!Array.isArray(list) || list.length === 0 || list.length > 500)
        throw invalid("Invalid value for field 'networkEndpoints': 1 to 500 endpoints per call.");
      const changes: { instance: string; ipAddress: string }[] = [];
      for (const ep of list) {
        const instanceName = lastSegment(String(ep.instance ?? ''));
        if (verb === 'detachNetworkEndpoints') {
          const attached = neg.endpoints.get(instanceName);
          if (!attached)
            throw invalid(`Network endpoint for instance '${instanceName}' is not attached to ${name}.`);
          changes.push(attached);
          continue;
        }
        const instance = state.instances.find((i) => i.name === instanceName && i.zone === zone);
        if (!instance) throw notFound(`projects/${state.project}/zones/${zone}/instances/${instanceName}`);
        if (lastSegment(instance.network) !== lastSegment(String(neg.resource.network)))
          throw invalid(`Instance '${instanceName}' is not in the network endpoint group's network.`);
        if (neg.resource.subnetwork && instance.subnetwork !== neg.resource.subnetwork)
          throw invalid(`Instance '${instanceName}' is not in the network endpoint group's subnetwork.`);
        if (ep.ipAddress !== undefined && ep.ipAddress !== instance.networkIP)
          throw invalid(
            `IP address '${String(ep.ipAddress)}' is not the primary address of '${instanceName}'.`,
          );
        if (neg.endpoints.has(instanceName))
          throw invalid(`Network endpoint for instance '${instanceName}' already exists in ${name}.`);
        changes.push({ instance: instanceName, ipAddress: instance.networkIP });
      }
      return operation(
        { zone },
        verb,
        selfLink,
        () => {
          for (const c of changes)
            if (verb === 'attachNetworkEndpoints') neg.endpoints.set(c.instance, c);
            else neg.endpoints.delete(c.instance);
        },
        failWith,
      );
    }
    return undefined;
  }

  function getHealth(name: string, body: Json | undefined): GceResponse {
    const bs = getOr404(
      state.backendServices,
      name,
      `projects/${state.project}/regions/${state.region}/backendServices/${name}`,
    );
    const group = String(body?.group ?? '');
    const backend = (bs.backends as Json[]).find(
      (b) => lastSegment(String(b.group)) === lastSegment(group) && zoneOf(String(b.group)) === zoneOf(group),
    );
    if (!backend)
      throw invalid(
        `Invalid value for field 'resourceGroupReference.group': '${group}'. Not a backend of ${name}.`,
      );
    const neg = state.negs.get(`${zoneOf(group)}/${lastSegment(group)}`);
    return ok({
      healthStatus: [...(neg?.endpoints.values() ?? [])].map((e) => ({
        instance: state.zoneUrl(zoneOf(group), 'instances', e.instance),
        ipAddress: e.ipAddress,
        healthState: state.health.get(e.instance) ?? 'HEALTHY',
      })),
    });
  }

  /** `name eq "RE2"` (full match) or `name = "literal"`; nothing else is modelled. */
  function nameFilter(filter: string | null): (name: string) => boolean {
    if (!filter) return () => true;
    const m = filter.match(/^name\s+(eq|=)\s+"(.*)"$/);
    if (!m) throw invalid(`Invalid value for field 'filter': '${filter}'.`);
    if (m[1] === '=') return (n) => n === m[2];
    const re = new RegExp(`^(?:${m[2]})$`);
    return (n) => re.test(n);
  }

  function aggregatedInstances(query: URLSearchParams): GceResponse {
    const match = nameFilter(query.get('filter'));
    const items: Json = {};
    for (const zone of state.zones) {
      const found = state.instances.filter((i) => i.zone === zone && match(i.name));
      items[`zones/${zone}`] = found.length
        ? {
            instances: found.map((i) => ({
              kind: 'compute#instance',
              id: i.id,
              name: i.name,
              status: 'RUNNING',
              zone: state.zoneSelf(zone),
              networkInterfaces: [
                { name: 'nic0', network: i.network, subnetwork: i.subnetwork, networkIP: i.networkIP },
              ],
              selfLink: state.zoneUrl(zone, 'instances', i.name),
            })),
          }
        : { warning: { code: 'NO_RESULTS_ON_PAGE', message: 'There are no results for scope' } };
    }
    return ok({ kind: 'compute#instanceAggregatedList', items });
  }

  function aggregatedNegs(query: URLSearchParams): GceResponse {
    const match = nameFilter(query.get('filter'));
    const items: Json = {};
    for (const zone of state.zones) {
      const found = [...state.negs.entries()]
        .filter(([key]) => key.startsWith(`${zone}/`))
        .map(([, neg]) => neg)
        .filter((neg) => match(String(neg.resource.name)));
      items[`zones/${zone}`] = found.length
        ? { networkEndpointGroups: found.map((neg) => ({ ...neg.resource, size: neg.endpoints.size })) }
        : { warning: { code: 'NO_RESULTS_ON_PAGE', message: 'There are no results for scope' } };
    }
    return ok({ kind: 'compute#networkEndpointGroupAggregatedList', items });
  }

  /** Answers one request; `failWith` makes a mutation's operation end in that error. */
  return function handle(req: GceRequest, failWith?: OperationError): GceResponse {
    const { path } = req;
    if (path === `${p}/aggregated/instances` && req.method === 'GET') return aggregatedInstances(req.query);
    if (path === `${p}/aggregated/networkEndpointGroups` && req.method === 'GET')
      return aggregatedNegs(req.query);
    let m = path.match(
      /^\/projects\/[^/]+\/(?:regions\/[^/]+|zones\/([^/]+))\/operations\/([^/]+)(\/wait)?$/,
    );
    if (m && ((m[3] && req.method === 'POST') || (!m[3] && req.method === 'GET')))
      return waitFor(m[2] as string);
    if (path.startsWith(regional)) {
      const rest = path.slice(regional.length);
      m = rest.match(/^\/backendServices\/([^/]+)\/getHealth$/);
      if (m && req.method === 'POST') return getHealth(m[1] as string, req.body);
      m = rest.match(/^\/forwardingRules\/([^/]+)\/setLabels$/);
      if (m && req.method === 'POST') {
        const name = m[1] as string;
        const current = getOr404(state.forwardingRules, name, `${regional.slice(1)}/forwardingRules/${name}`);
        const next = setLabels(current, req.body);
        const apply = () => state.forwardingRules.set(name, next);
        return operation({}, 'setLabels', String(current.selfLink), apply, failWith);
      }
      const kinds = [
        ['healthChecks', state.healthChecks, (b: Json, n: string, e?: Json) => healthCheckOf(state, b, n, e)],
        [
          'backendServices',
          state.backendServices,
          (b: Json, n: string, e?: Json) => backendServiceOf(state, b, n, e),
        ],
        ['forwardingRules', state.forwardingRules, (b: Json, n: string) => forwardingRuleOf(state, b, n)],
      ] as const;
      for (const [kind, map, make] of kinds)
        if (rest === `/${kind}` || rest.startsWith(`/${kind}/`)) {
          const out = regionalCrud(kind, map, make, req, rest.slice(kind.length + 1), failWith);
          if (out) return out;
        }
    }
    m = path.match(/^\/projects\/[^/]+\/zones\/([^/]+)\/instanceGroups(.*)$/);
    if (m && path.startsWith(`${p}/`)) {
      const out = instanceGroups(state, m[1] as string, req, m[2] as string, (zone, self, apply) =>
        operation({ zone }, 'insert', self, apply, failWith),
      );
      if (out) return out;
    }
    m = path.match(/^\/projects\/[^/]+\/zones\/([^/]+)\/networkEndpointGroups(.*)$/);
    if (m && path.startsWith(`${p}/`)) {
      const out = negs(m[1] as string, req, m[2] as string, failWith);
      if (out) return out;
    }
    if (!path.startsWith(`${p}/`))
      throw new GceFault(403, 'forbidden', `Permission denied on project '${path.split('/')[2]}'`);
    throw new GceFault(404, 'notFound', `No handler for ${req.method} ${path}`);
  };
}
