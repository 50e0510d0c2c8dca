/**
 * Zonal unmanaged instance groups: insert and get only, enough to build the instance-group NLBs that
 * CB-Spider and the console make (nlbkit's driver uses GCE_VM_IP network endpoint groups instead).
 */
import type { GceRequest, GceResponse } from './compute.js';
import { checkName } from './resources.js';
import { GceFault, type GceState, invalid, lastSegment, newId, notFound } from './state.js';

/** Answers `/zones/ZONE/instanceGroups...`; `insert` wraps the change in an operation. */
export function instanceGroups(
  state: GceState,
  zone: string,
  req: GceRequest,
  rest: string,
  insert: (zone: string, selfLink: string, apply: () => void) => GceResponse,
): GceResponse | undefined {
  if (!state.zones.includes(zone)) throw notFound(`projects/${state.project}/zones/${zone}`);
  const path = `projects/${state.project}/zones/${zone}/instanceGroups`;
  if (rest === '' && req.method === 'POST') {
    const body = req.body ?? {};
    const name = checkName('instanceGroups', body);
    if (state.instanceGroups.has(`${zone}/${name}`))
      throw new GceFault(409, 'alreadyExists', `The resource '${path}/${name}' already exists`);
    if (typeof body.network !== 'string' || !state.networks.has(lastSegment(body.network)))
      throw invalid("Invalid value for field 'resource.network': a network is required.");
    const selfLink = state.zoneUrl(zone, 'instanceGroups', name);
    const resource = {
      kind: 'compute#instanceGroup',
      id: newId(),
      creationTimestamp: new Date().toISOString(),
      name,
      description: body.description ?? '',
      network: state.networkUrl(lastSegment(body.network)),
      size: 0,
      zone: state.zoneSelf(zone),
      selfLink,
    };
    return insert(zone, selfLink, () => state.instanceGroups.set(`${zone}/${name}`, resource));
  }
  const name = rest.match(/^\/([^/]+)$/)?.[1];
  if (name && req.method === 'GET') {
    const group = state.instanceGroups.get(`${zone}/${name}`);
    if (!group) throw notFound(`${path}/${name}`);
    return { status: 200, body: group };
  }
  return undefined;
}
