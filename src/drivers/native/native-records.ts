/** Converts between the NLBInfo callers see and the record the store keeps for agents. */
import type { NLBInfo } from '../../interfaces/types.js';
import type { NLBRecord, StoredNLBInfo } from '../../native/store/types.js';

/** Settings every record carries, from the driver's options. */
export interface RecordSettings {
  snat: boolean;
  hashSeed: number;
  maglevTableSize: number;
}

/** The provider id of an NLB: stable, derived from its name. */
export const systemIdOf = (name: string): string => `nlbkit-native:${name}`;

/**
 * Builds the record for `nlb` (whose `listener.ip` is its VIP) with each VM's address. JSON
 * round-tripping drops undefined fields, so memory and file stores return identical objects.
 */
export function toRecord(
  nlb: NLBInfo,
  addresses: ReadonlyMap<string, string>,
  settings: RecordSettings,
): NLBRecord {
  const vip = nlb.listener.ip as string;
  const hc = nlb.healthChecker;
  const forwarding = nlb.vmGroup.forwarding;
  const stateless = forwarding === 'dsr' || forwarding === 'tunnel';
  const stored = JSON.parse(
    JSON.stringify({ ...nlb, createdTime: nlb.createdTime.toISOString() }),
  ) as StoredNLBInfo;
  return {
    name: nlb.iid.nameId,
    nlb: stored,
    service: JSON.parse(
      JSON.stringify({
        vip,
        family: vip.includes(':') ? 6 : 4,
        protocol: nlb.listener.protocol,
        port: nlb.listener.port,
        backendPort: nlb.vmGroup.port,
        algorithm: nlb.vmGroup.algorithm,
        hashFields: nlb.vmGroup.hashFields ?? 'SOURCE_IP',
        // The packet reaches a dsr or tunnel backend unchanged (inside a tunnel): nothing to masquerade.
        snat: settings.snat && !stateless,
        // Only dsr and tunnel are written: records of nat NLBs stay as they were before forwarding modes.
        ...(stateless ? { forwarding } : {}),
        hashSeed: settings.hashSeed,
        maglevTableSize: settings.maglevTableSize,
        backends: nlb.vmGroup.vms.map((vm) => ({
          id: vm.nameId,
          address: addresses.get(vm.nameId) as string,
          weight: vm.weight ?? 1,
        })),
        health: {
          protocol: hc.protocol,
          // No port: the VM group's ("traffic port"), so it follows a group port change.
          port: hc.port ?? nlb.vmGroup.port,
          interval: hc.interval,
          timeout: hc.timeout,
          rise: hc.healthyThreshold,
          fall: hc.unhealthyThreshold,
          httpPath: hc.httpPath,
          expectedCodes: hc.expectedCodes,
        },
      }),
    ),
  };
}

/** The NLBInfo a record holds; the listener's family is its VIP's (records from before it was kept too). */
export function fromRecord(record: NLBRecord): NLBInfo {
  const nlb = { ...structuredClone(record.nlb), createdTime: new Date(record.nlb.createdTime) } as NLBInfo;
  const vip = record.service.vip;
  const v6 = vip.includes(':');
  const { ipv6: _, ...listener } = nlb.listener;
  nlb.listener = { ...listener, addressFamily: v6 ? 'IPV6' : 'IPV4', ...(v6 ? { ipv6: vip } : {}) };
  return nlb;
}

/** The address of every backend in a record, by VM name. */
export const recordAddresses = (record: NLBRecord): Map<string, string> =>
  new Map(record.service.backends.map((b) => [b.id, b.address]));
