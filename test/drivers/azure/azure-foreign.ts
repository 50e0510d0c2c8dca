/**
 * Load balancers made in the Azure fake through the real SDK, as someone other than nlbkit would (a
 * script, the portal): a Standard public IP and a load balancer whose IP-based pool holds the VMs' NIC
 * addresses under names of its own.
 */
import type { LoadBalancer } from '@azure/arm-network';
import type { IID } from '../../../src/interfaces/types.js';
import type { ForeignLoadBalancers } from '../../../src/testing/index.js';
import type { AzureFake } from '../../fakes/azure/index.js';
import { sdkClient } from './azure-world.js';

/** Foreign load balancers in the fake's resource group, over VMs of the VNet `vnetName`. */
export function azureForeign(fake: AzureFake, vnetName: string): ForeignLoadBalancers {
  const client = sdkClient(fake);
  const rg = fake.resourceGroup;
  const vnet = fake.state.vnets.find((v) => v.name === vnetName);
  const lbId = (name: string, part: string) =>
    `/subscriptions/${fake.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/loadBalancers/${name}/${part}`;
  const ipOf = (vm: IID) => fake.state.nics.find((n) => n.vmId.endsWith(`/${vm.nameId}`))?.ip;
  return {
    async create(name, vms, shape = 'plain') {
      const ip = await client.publicIPAddresses.beginCreateOrUpdateAndWait(rg, `${name}-pip`, {
        location: fake.location,
        sku: { name: 'Standard' },
        publicIPAllocationMethod: 'Static',
      });
      const rule = (port: number) => ({
        name: `rule-${port}`,
        protocol: 'Tcp' as const,
        frontendPort: port,
        backendPort: 8080,
        frontendIPConfiguration: { id: lbId(name, 'frontendIPConfigurations/fe') },
        backendAddressPool: { id: lbId(name, 'backendAddressPools/be') },
        probe: { id: lbId(name, 'probes/hp') },
      });
      const lb: LoadBalancer = {
        location: fake.location,
        sku: { name: 'Standard' },
        frontendIPConfigurations: [{ name: 'fe', publicIPAddress: { id: ip.id } }],
        backendAddressPools: [
          {
            name: 'be',
            loadBalancerBackendAddresses: vms.map((vm, i) => ({
              name: `addr${i + 1}`,
              ipAddress: ipOf(vm),
              virtualNetwork: { id: vnet?.id },
            })),
          },
        ],
        probes: [{ name: 'hp', protocol: 'Tcp', port: 8080, intervalInSeconds: 15, probeThreshold: 2 }],
        loadBalancingRules: shape === 'two-listeners' ? [rule(80), rule(81)] : [rule(80)],
      };
      const made = await client.loadBalancers.beginCreateOrUpdateAndWait(rg, name, lb);
      return made.id as string;
    },
    async exists(systemId) {
      const name = systemId.split('/').at(-1) as string;
      return client.loadBalancers.get(rg, name).then(
        () => true,
        (e: { statusCode?: number }) => {
          if (e.statusCode === 404) return false;
          throw e;
        },
      );
    },
  };
}
