/** The data plane of an embedded agent, chosen by name: nftables (the default) or IPVS. */
import { NLBError } from '../../interfaces/errors.js';
import type { ForwardingMode } from '../../interfaces/types.js';
import { createIpvsDataplane } from '../../native/ipvs/ipvs-dataplane.js';
import type { Dataplane } from '../../native/model.js';
import { createNftDataplane, flowtableDevices } from '../../native/nft/nft-dataplane.js';
import { dsrDevices } from '../../native/nft/nft-dsr.js';
import { tunnelDevices } from '../../native/nft/nft-tunnel.js';
import { DRIVER_NAME } from './native-capabilities.js';
import type { EmbeddedAgentOptions } from './native-options.js';

const invalid = (path: string, message: string) =>
  new NLBError({
    code: 'INVALID_ARGUMENT',
    driver: DRIVER_NAME,
    operation: 'createNativeDriver',
    message,
    violations: [{ path, message, code: 'INVALID_ARGUMENT' }],
  });

/**
 * The agent's data-plane factory for `agent.dataplane`, checked with the driver's other options so a
 * combination the data plane cannot run fails at construction, not at the agent's first sync.
 */
export function dataplaneFactory(
  a: EmbeddedAgentOptions,
  settings: { vipRanges: string[]; snat: boolean },
): Dataplane | (() => Dataplane) {
  const choice = a.dataplane ?? 'nftables';
  if (typeof choice !== 'string') return choice;
  if (choice === 'nftables') {
    const flowtable = a.flowtable && { devices: flowtableDevices(a.flowtable.devices) };
    const dsr = a.dsr && dsrDevices(a.dsr);
    const tunnel = a.tunnel && tunnelDevices(a.tunnel);
    return () =>
      createNftDataplane({
        executor: a.executor,
        ...(flowtable ? { flowtable } : {}),
        ...(dsr ? { dsr } : {}),
        ...(tunnel ? { tunnel } : {}),
      });
  }
  if (choice !== 'ipvs') throw invalid('agent.dataplane', `agent.dataplane must be 'nftables' or 'ipvs'`);
  if (a.dsr)
    throw invalid('agent.dsr', 'direct server return is an nftables option; the IPVS data plane has none');
  if (a.tunnel)
    throw invalid('agent.tunnel', 'agent.tunnel is an nftables option; the IPVS data plane has none');
  if (a.flowtable)
    throw invalid('agent.flowtable', 'a flowtable is an nftables option; the IPVS data plane has none');
  if (settings.snat)
    throw invalid(
      'snat',
      'the IPVS data plane (NAT mode) does not masquerade; use the nftables data plane for snat',
    );
  return () => createIpvsDataplane({ executor: a.executor, ownedRanges: settings.vipRanges });
}

/** The forwarding modes the embedded agent's data plane renders (see `forwardingModes`). */
export function embeddedForwarding(a: EmbeddedAgentOptions | undefined): ForwardingMode[] {
  const choice = a?.dataplane ?? 'nftables';
  if (choice === 'nftables')
    return ['nat', ...(a?.dsr ? (['dsr'] as const) : []), ...(a?.tunnel ? (['tunnel'] as const) : [])];
  if (typeof choice === 'object') return [...(choice.forwardingModes ?? ['nat'])];
  // IPVS needs no devices for them: direct routing and IPIP are its own forwarding methods.
  return ['nat', 'dsr', 'tunnel'];
}
