/**
 * The bench lab's direct-server-return path. In the shared topology the LB node is the backends'
 * gateway, so without more a dsr reply would still be routed through it. This gives the client a
 * second link, on the backends' segment, and gives each backend a policy route: replies *from a dsr
 * VIP* go to the client over that link, every other packet (direct and NAT replies) keeps the route
 * through the LB node, so the other cases are measured exactly as before. The backends themselves are
 * prepared by `setupBackend(..., 'dsr')` (what `nlbkit backend setup` does).
 */
import { CLIENT_NET } from '../../src/lab/lab-addresses.js';
import { mustRun } from '../../src/lab/lab-exec.js';
import type { Topology } from '../../src/lab/lab-topology.js';
import { setupBackend } from '../../src/native/backend/backend-host.js';

/**
 * The client's address on the backends' segment: outside the segment's /24 (a /32 without a subnet
 * route), so the client's own traffic to the backends' addresses still goes through the LB node.
 */
export const CLIENT_ON_SEGMENT = '198.18.3.2';
/** The client's device on the segment, and its bridge port in the switch namespace. */
export const CLIENT_SEGMENT_DEVICE = { client: 'seg0', switchPort: 'cs0' } as const;
/** The backends' routing table for dsr replies. */
const DSR_TABLE = '100';

const ipn = (ns: string, ...args: string[]) => mustRun(['ip', '-n', ns, ...args]);
const sysctl = (ns: string, ...settings: string[]) =>
  mustRun(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', ...settings]);

/** Links the client to the segment and prepares every backend for the dsr `vips`. */
export async function buildDsrPath(topo: Topology, vips: string[]): Promise<void> {
  const c = topo.client.ns;
  const { client: dev, switchPort } = CLIENT_SEGMENT_DEVICE;
  await ipn(c, 'link', 'add', dev, 'type', 'veth', 'peer', 'name', switchPort, 'netns', topo.switch.ns);
  await ipn(topo.switch.ns, 'link', 'set', switchPort, 'master', 'br0', 'up');
  await ipn(c, 'addr', 'add', `${CLIENT_ON_SEGMENT}/32`, 'dev', dev);
  await ipn(c, 'link', 'set', dev, 'up');
  // Replies from a VIP arrive on seg0 while the route to the VIP is through the LB node.
  await sysctl(c, 'net.ipv4.conf.all.rp_filter=0', `net.ipv4.conf.${dev}.rp_filter=0`);
  for (const be of topo.backends) {
    for (const vip of vips) {
      // setupBackend checks `vip` (a canonical IPv4 address) before anything runs, `ip rule` included.
      await setupBackend(be.exec, { vip, mode: 'dsr', interface: 'eth0' });
      await ipn(be.ns, 'rule', 'add', 'from', `${vip}/32`, 'lookup', DSR_TABLE);
    }
    await ipn(
      be.ns,
      'route',
      'add',
      CLIENT_NET.v4,
      'via',
      CLIENT_ON_SEGMENT,
      'dev',
      'eth0',
      'onlink',
      'table',
      DSR_TABLE,
    );
  }
}

/** Packets the client's segment link has received and sent so far. */
export interface SegmentCounters {
  rxPackets: number;
  txPackets: number;
}

/** Reads `ip -s -j link show` output for one device. */
export function parseLinkCounters(json: string): SegmentCounters {
  const [dev] = JSON.parse(json) as { stats64?: { rx?: { packets?: number }; tx?: { packets?: number } } }[];
  const rx = dev?.stats64?.rx?.packets;
  const tx = dev?.stats64?.tx?.packets;
  if (typeof rx !== 'number' || typeof tx !== 'number') throw new Error(`no link counters in: ${json}`);
  return { rxPackets: rx, txPackets: tx };
}

/**
 * The client's segment link counters: dsr replies arrive there (many received, almost nothing sent
 * but ARP answers). Read after the run to show the replies really bypassed the LB node.
 */
export async function segmentCounters(topo: Topology): Promise<SegmentCounters> {
  const out = await mustRun([
    'ip',
    '-n',
    topo.client.ns,
    '-s',
    '-j',
    'link',
    'show',
    CLIENT_SEGMENT_DEVICE.client,
  ]);
  return parseLinkCounters(out);
}
