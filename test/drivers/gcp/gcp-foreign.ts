/**
 * Load balancers made in the Compute Engine fake through the real `@google-cloud/compute` clients, as
 * someone other than nlbkit would (the console, gcloud, CB-Spider): a health check, zonal GCE_VM_IP
 * network endpoint groups (or unmanaged instance groups), a backend service and a forwarding rule, each
 * named by its maker and carrying its own description and labels.
 */
import {
  ForwardingRulesClient,
  InstanceGroupsClient,
  NetworkEndpointGroupsClient,
  RegionBackendServicesClient,
  RegionHealthChecksClient,
} from '@google-cloud/compute';
import type { IID } from '../../../src/interfaces/types.js';
import type { ForeignLoadBalancers } from '../../../src/testing/index.js';
import type { GceFake } from '../../fakes/gcp/index.js';
import { fakeAuthClient } from './gcp-world.js';

/** How the backends are grouped: GCE_VM_IP network endpoint groups (adoptable) or instance groups. */
export type ForeignBackends = 'negs' | 'instance-groups';

/** ForeignLoadBalancers on `fake`, plus a maker that chooses the backend kind. */
export function gcpForeign(fake: GceFake, network = 'web-net') {
  const opts = {
    apiEndpoint: '127.0.0.1',
    port: fake.port,
    protocol: 'http',
    fallback: true,
    projectId: fake.project,
    authClient: fakeAuthClient(fake),
  } as unknown as ConstructorParameters<typeof ForwardingRulesClient>[0];
  const rules = new ForwardingRulesClient(opts);
  const project = fake.project;
  const region = fake.region;
  const base = `projects/${project}`;
  const networkUrl = `${base}/global/networks/${network}`;

  async function create(
    name: string,
    vms: IID[],
    shape: 'plain' | 'two-listeners' = 'plain',
    backends: ForeignBackends = 'negs',
  ): Promise<string> {
    const hc = `${name}-check`;
    await new RegionHealthChecksClient(opts).insert({
      project,
      region,
      healthCheckResource: { name: hc, type: 'TCP', tcpHealthCheck: { port: 80 }, description: 'by hand' },
    });
    const zones = new Map<string, string[]>();
    for (const vm of vms) {
      const zone = fake.state.instances.find((i) => i.name === vm.nameId)?.zone as string;
      zones.set(zone, [...(zones.get(zone) ?? []), vm.nameId]);
    }
    const groups: string[] = [];
    for (const [zone, names] of zones) {
      const group = `${name}-pool-${zone.slice(-1)}`;
      if (backends === 'instance-groups') {
        await new InstanceGroupsClient(opts).insert({
          project,
          zone,
          instanceGroupResource: { name: group, network: networkUrl },
        });
        groups.push(`${base}/zones/${zone}/instanceGroups/${group}`);
        continue;
      }
      const negs = new NetworkEndpointGroupsClient(opts);
      await negs.insert({
        project,
        zone,
        networkEndpointGroupResource: { name: group, networkEndpointType: 'GCE_VM_IP', network: networkUrl },
      });
      await negs.attachNetworkEndpoints({
        project,
        zone,
        networkEndpointGroup: group,
        networkEndpointGroupsAttachEndpointsRequestResource: {
          networkEndpoints: names.map((instance) => ({ instance })),
        },
      });
      groups.push(`${base}/zones/${zone}/networkEndpointGroups/${group}`);
    }
    await new RegionBackendServicesClient(opts).insert({
      project,
      region,
      backendServiceResource: {
        name: `${name}-service`,
        description: 'by hand',
        loadBalancingScheme: 'EXTERNAL',
        protocol: 'TCP',
        healthChecks: [`${base}/regions/${region}/healthChecks/${hc}`],
        backends: groups.map((group) => ({ group, balancingMode: 'CONNECTION' })),
      },
    });
    await rules.insert({
      project,
      region,
      forwardingRuleResource: {
        name,
        description: 'by hand',
        labels: { team: 'web' },
        IPProtocol: 'TCP',
        ports: shape === 'two-listeners' ? ['80', '81'] : ['80'],
        loadBalancingScheme: 'EXTERNAL',
        backendService: `${base}/regions/${region}/backendServices/${name}-service`,
      },
    });
    const [fr] = await rules.get({ project, region, forwardingRule: name });
    return String(fr.id);
  }

  const foreign: ForeignLoadBalancers = {
    create: (name, vms, shape) => create(name, vms, shape),
    async exists(systemId) {
      const [all] = await rules.list({ project, region }, { autoPaginate: false });
      return all.some((fr) => String(fr.id) === systemId);
    },
  };
  return { ...foreign, createWith: create };
}
