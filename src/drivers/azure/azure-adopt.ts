/**
 * adoptNLB / releaseNLB on Azure. A load balancer is nlbkit's when its managed tag holds its own name
 * (azure-read.ts), so adopting one is tagging it, after checking that nlbkit can show it as one NLB:
 * a Standard load balancer with one frontend, one TCP or UDP rule (no floating IP; Default or SourceIP
 * distribution), one probe and one IP-based backend pool whose addresses are VMs' NIC addresses in one
 * VNet, and no NAT or outbound rules. The same PUT names each backend address after its VM (how
 * nlbkit reads members) and tags it as adopted, so deleteNLB leaves its public IP, which nlbkit did
 * not make. Releasing removes the tags (and those of nlbkit's own public IPs) and deletes nothing.
 * Each PUT is conditional on the etag read and is put back when its outcome is unknown.
 */
import type { LoadBalancer, PublicIPAddress } from '@azure/arm-network';
import { Rollback } from '../../common/rollback.js';
import { NLBError } from '../../interfaces/errors.js';
import type { NLBInfo } from '../../interfaces/types.js';
import type { CallContext } from './azure-api.js';
import { editLb } from './azure-change.js';
import type { AzureDeps } from './azure-context.js';
import { ADOPTED_TAG, CREATE_ID_TAG, CREATED_TAG, publicIpsOf, VPC_TAG } from './azure-convert.js';
import { nameOf } from './azure-lookup.js';
import { AZURE_DRIVER_NAME } from './azure-name.js';

type Refusal = 'UNSUPPORTED' | 'INVALID_ARGUMENT' | 'NOT_FOUND' | 'ALREADY_EXISTS';
const refuse = (ctx: CallContext, code: Refusal, message: string) =>
  new NLBError({ code, driver: AZURE_DRIVER_NAME, operation: ctx.operation, message });

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** Why nlbkit cannot show `lb` as one NLB, or undefined when it can. */
function misfit(p: LoadBalancer): string | undefined {
  if (p.sku?.name !== 'Standard')
    return `it is a ${p.sku?.name ?? 'Basic'} load balancer; nlbkit manages Standard ones`;
  const rules = p.loadBalancingRules ?? [];
  if (rules.length !== 1)
    return `it has ${count(rules.length, 'load-balancing rule')} (listeners); an nlbkit NLB has one`;
  const frontends = p.frontendIPConfigurations ?? [];
  if (frontends.length !== 1)
    return `it has ${count(frontends.length, 'frontend IP configuration')}; nlbkit adopts single-stack load balancers with one`;
  if ((p.probes ?? []).length !== 1)
    return `it has ${count((p.probes ?? []).length, 'probe')}; an nlbkit NLB has one`;
  const pools = p.backendAddressPools ?? [];
  if (pools.length !== 1) return `it has ${count(pools.length, 'backend pool')}; an nlbkit NLB has one`;
  const extra = (
    [
      ['inbound NAT rules', p.inboundNatRules],
      ['inbound NAT pools', p.inboundNatPools],
      ['outbound rules', p.outboundRules],
    ] as const
  ).filter(([, list]) => list?.length);
  if (extra.length > 0) return `it has ${extra.map(([w]) => w).join(' and ')}, which nlbkit does not show`;
  const rule = rules[0] ?? {};
  if (rule.protocol !== 'Tcp' && rule.protocol !== 'Udp')
    return `its rule's protocol ${rule.protocol} is not TCP or UDP`;
  if (rule.enableFloatingIP)
    return 'its rule has floating IP (direct server return) on, which nlbkit does not show';
  if (rule.loadDistribution === 'SourceIPProtocol')
    return 'its rule hashes source IP and protocol (SourceIPProtocol), which nlbkit does not show';
  if (!rule.backendAddressPool?.id || !rule.probe?.id) return 'its rule has no backend pool or no probe';
  if ((pools[0]?.backendIPConfigurations ?? []).length > 0)
    return 'its backend pool holds NIC ip configurations; nlbkit manages IP-based pools of VM addresses';
  return undefined;
}

/** The VNet's name from a resource id below it (`.../virtualNetworks/<name>/...`). */
const vnetNameIn = (id: string | undefined) => id?.match(/\/virtualNetworks\/([^/]+)/i)?.[1];

/** Tags an existing load balancer as the NLB `name`; see the module comment. */
export async function adoptOnAzure(
  deps: AzureDeps,
  systemId: string,
  name: string,
  ctx: CallContext,
): Promise<NLBInfo> {
  const { api, options } = deps;
  const lbName = nameOf(systemId);
  if (systemId.toLowerCase() !== api.lbId(lbName).toLowerCase())
    throw refuse(ctx, 'NOT_FOUND', `${systemId} is not a load balancer in resource group ${api.rg}`);
  if (lbName !== name)
    throw refuse(ctx, 'INVALID_ARGUMENT', `on Azure an NLB is named as its load balancer: '${lbName}'`);
  const lb = await api.getLb(lbName, ctx);
  if (!lb) throw refuse(ctx, 'NOT_FOUND', `no load balancer ${systemId}`);
  if (lb.tags?.[options.managedTagKey])
    throw refuse(ctx, 'ALREADY_EXISTS', `it already carries nlbkit's tag (${options.managedTagKey})`);
  const why = misfit(lb);
  if (why) throw refuse(ctx, 'UNSUPPORTED', why);
  const addresses = lb.backendAddressPools?.[0]?.loadBalancerBackendAddresses ?? [];
  // Backend addresses to VM names, by the NICs of the resource group (IPv4 configurations in the VNet).
  const vmOf = new Map<string, string>();
  if (addresses.length > 0)
    for (const nic of await api.listNics(ctx))
      for (const c of nic.ipConfigurations ?? [])
        if (c.privateIPAddress && nic.virtualMachine?.id)
          vmOf.set(
            `${vnetNameIn(c.subnet?.id)?.toLowerCase()}|${c.privateIPAddress}`,
            nameOf(nic.virtualMachine.id),
          );
  const vnets = new Set(addresses.map((a) => vnetNameIn(a.virtualNetwork?.id)));
  const frontendVnet = vnetNameIn(lb.frontendIPConfigurations?.[0]?.subnet?.id);
  if (frontendVnet) vnets.add(frontendVnet);
  const [vnet] = vnets;
  if (vnets.size !== 1 || vnet === undefined)
    throw refuse(
      ctx,
      'UNSUPPORTED',
      'its backend addresses and frontend are not in exactly one virtual network',
    );
  const vmName = (ip: string | undefined) => vmOf.get(`${vnet.toLowerCase()}|${ip}`);
  const stray = addresses.find((a) => !vmName(a.ipAddress));
  if (stray)
    throw refuse(ctx, 'UNSUPPORTED', `backend address ${stray.ipAddress} is no VM's NIC address in ${vnet}`);

  return editLb(deps, lbName, ctx, (fresh) => {
    // Checked again on the fresh read the PUT is based on (If-Match): another writer may have changed it.
    if (fresh.tags?.[options.managedTagKey])
      throw refuse(ctx, 'ALREADY_EXISTS', `it was given nlbkit's tag meanwhile (${options.managedTagKey})`);
    const again = misfit(fresh);
    if (again) throw refuse(ctx, 'UNSUPPORTED', again);
    for (const a of fresh.backendAddressPools?.[0]?.loadBalancerBackendAddresses ?? []) {
      const vm = vmName(a.ipAddress);
      if (!vm) throw refuse(ctx, 'UNSUPPORTED', `backend address ${a.ipAddress} is no VM's NIC address`);
      a.name = vm;
    }
    fresh.tags = {
      ...fresh.tags,
      [options.managedTagKey]: lbName,
      [VPC_TAG]: vnet,
      [CREATED_TAG]: new Date().toISOString(),
      [ADOPTED_TAG]: 'true',
    };
  });
}

/** nlbkit's tags, removed from `tags`. */
const untagged = (tags: Record<string, string> | undefined, key: string) => {
  const out = { ...tags };
  for (const k of [key, VPC_TAG, CREATED_TAG, CREATE_ID_TAG, ADOPTED_TAG]) delete out[k];
  return out;
};

/** Removes nlbkit's tags from the load balancer, then from nlbkit's own public IPs; deletes nothing. */
export async function releaseOnAzure(deps: AzureDeps, current: NLBInfo, ctx: CallContext): Promise<void> {
  const { api, options } = deps;
  const name = current.iid.nameId;
  const key = options.managedTagKey;
  const undo: CallContext = { operation: ctx.operation };
  await new Rollback(AZURE_DRIVER_NAME).run(ctx.operation, async (rb) => {
    let before: LoadBalancer | undefined;
    await editLb(deps, name, ctx, (lb) => {
      before = structuredClone(lb);
      lb.tags = untagged(lb.tags, key);
    });
    rb.push(`the tags of load balancer ${name}`, async () => {
      if (!before) return;
      const { tags } = before;
      await editLb(deps, name, undo, (lb) => {
        lb.tags = tags;
      });
    });
    // Its own public IPs carry the mark too: untagged, deleteNLB of the name no longer finds them.
    for (const ipName of publicIpsOf(before ?? {})) {
      const ip = await api.getPublicIp(ipName, ctx);
      if (ip?.tags?.[key] !== name) continue;
      const tagged: PublicIPAddress = ip;
      rb.push(`the tags of public IP ${ipName}`, () => api.putPublicIp(ipName, tagged, undo));
      await api.putPublicIp(ipName, { ...ip, tags: untagged(ip.tags, key) }, ctx);
    }
  });
}
