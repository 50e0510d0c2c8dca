/**
 * The mock's state: NLBs in a map, a VM inventory, per-VM health. Inputs arrive validated by the
 * guarded handler; this file only keeps state and enforces what a real cloud would (unknown VMs,
 * listener address:port clashes).
 */

import { byNameId } from '../../common/iid.js';
import type {
  BackendContext,
  DriverBackend,
  ResolvedCreateRequest,
  ResolvedVMGroup,
} from '../../driver-kit/index.js';
import { NLBError } from '../../interfaces/errors.js';
import { quoteInput } from '../../interfaces/input-text.js';
import type { ValidListener, ValidVMMember } from '../../interfaces/schemas.js';
import type {
  AddressFamily,
  HealthInfo,
  IID,
  ListenerInfo,
  NLBInfo,
  VMHealthDetail,
  VMHealthState,
} from '../../interfaces/types.js';

/** A VM the mock knows about. */
export interface MockVM {
  /** The provider id reported for the VM; default `mock-vm-<name>`. */
  systemId?: string | undefined;
  /** The VM's private IPv4 address, if any. */
  ipv4?: string | undefined;
  /** The VM's IPv6 address, if any. */
  ipv6?: string | undefined;
}

/** What the mock knows about one VM's health. */
export interface MockVMHealth {
  state: VMHealthState;
  reason?: string | undefined;
  lastChange?: Date | undefined;
}

export interface MockBackendDeps {
  clock: () => Date;
  newId: (kind: 'nlb' | 'listener' | 'vmgroup') => string;
  vms: Map<string, MockVM>;
  health: Map<string, MockVMHealth>;
  initialHealth: VMHealthState;
  /** What an NLB created without `drainTimeoutSec` reports; undefined where draining is not emulated. */
  drainDefaultSec?: number | undefined;
}

/** Creates the mock's DriverBackend and the NLB map it keeps. */
export function createMockBackend(deps: MockBackendDeps): {
  backend: DriverBackend;
  nlbs: Map<string, NLBInfo>;
  setSystemId(nameId: string, systemId: string): NLBInfo;
} {
  const nlbs = new Map<string, NLBInfo>();
  /** Who listens where (`protocol ip:port` -> NLB name): a clash check costs one lookup, not a scan. */
  const listeners = new Map<string, string>();
  const listenerKey = (l: { protocol: string; ip?: string | undefined; port: number }) =>
    `${l.protocol} ${l.ip}:${l.port}`;
  let nextAddress = 1;

  const fail = (code: 'NOT_FOUND' | 'CONFLICT', ctx: BackendContext, message: string) =>
    new NLBError({ code, driver: 'mock', operation: ctx.operation, message });

  /** Resolves VM names against the inventory; NOT_FOUND names the first unknown VM. */
  function resolveVMs(vms: ValidVMMember[], ctx: BackendContext) {
    return vms.map((vm) => {
      const known = deps.vms.get(vm.nameId);
      if (!known) throw fail('NOT_FOUND', ctx, `VM ${quoteInput(vm.nameId)} does not exist`);
      return {
        nameId: vm.nameId,
        systemId: known.systemId ?? `mock-vm-${vm.nameId}`,
        weight: vm.weight ?? 1,
      };
    });
  }

  /** A listener address: the requested one, or the next from TEST-NET-1 (192.0.2.0/24, then 198.51.100.0/24). */
  function listenerAddress(requested: string | undefined): string {
    if (requested) return requested;
    const n = nextAddress++;
    return n < 255 ? `192.0.2.${n}` : `198.51.100.${(n - 254) % 255}`;
  }

  /** The listener's addresses for `family` (IPV4 when undefined): requested ones kept, others made up. */
  function listenerAddresses(family: AddressFamily | undefined, requested: string | undefined) {
    const v6 = requested?.includes(':') ? requested : undefined;
    if (family === 'IPV6') {
      const ip = v6 ?? nextIPv6();
      return { ip, ipv6: ip };
    }
    const ip = listenerAddress(v6 ? undefined : requested);
    return { ip, ipv6: family === 'DUAL_STACK' ? (v6 ?? nextIPv6()) : undefined };
  }

  /** The addresses after a listener change: new ones for a new family, else the requested one swapped in. */
  function changedAddresses(current: ListenerInfo, family: AddressFamily, requested: string | undefined) {
    if (family !== current.addressFamily) return listenerAddresses(family, requested);
    const v6 = requested?.includes(':') ? requested : undefined;
    if (family === 'IPV6') return { ip: v6 ?? current.ip, ipv6: v6 ?? current.ipv6 };
    const ip = requested !== undefined && !v6 ? requested : current.ip;
    return { ip, ipv6: family === 'DUAL_STACK' ? (v6 ?? current.ipv6) : undefined };
  }

  /** The next IPv6 listener address, from the documentation prefix 2001:db8::/32. */
  function nextIPv6(): string {
    return `2001:db8::${(nextAddress++).toString(16)}`;
  }

  function assertListenerFree(
    ip: string,
    port: number,
    protocol: string,
    self: string | undefined,
    ctx: BackendContext,
  ) {
    const other = listeners.get(listenerKey({ protocol, ip, port }));
    if (other !== undefined && other !== self)
      throw fail('CONFLICT', ctx, `${protocol} ${ip}:${port} is already used by NLB ${quoteInput(other)}`);
  }

  function forget(name: string) {
    const old = nlbs.get(name);
    if (old && listeners.get(listenerKey(old.listener)) === name) listeners.delete(listenerKey(old.listener));
    nlbs.delete(name);
  }

  function store(info: NLBInfo): NLBInfo {
    forget(info.iid.nameId);
    nlbs.set(info.iid.nameId, info);
    listeners.set(listenerKey(info.listener), info.iid.nameId);
    return info;
  }

  const drainOf = (seconds: number | undefined) =>
    seconds === undefined ? {} : { drainTimeoutSec: seconds };

  function groupOf(next: ResolvedVMGroup, current: NLBInfo['vmGroup'] | undefined, ctx: BackendContext) {
    return {
      protocol: next.protocol,
      port: next.port,
      vms: resolveVMs(next.vms, ctx),
      algorithm: next.algorithm,
      ...(next.hashFields ? { hashFields: next.hashFields } : {}),
      cspId: current?.cspId ?? deps.newId('vmgroup'),
      keyValueList: next.keyValueList ?? [],
      ...drainOf(next.drainTimeoutSec ?? deps.drainDefaultSec),
    };
  }

  const backend: DriverBackend = {
    async list() {
      return [...nlbs.values()].sort((a, b) => byNameId(a.iid, b.iid));
    },

    async find(iid: IID) {
      const info = nlbs.get(iid.nameId);
      if (!info || (iid.systemId !== undefined && iid.systemId !== info.iid.systemId)) return undefined;
      return info;
    },

    async exists(nameId) {
      return nlbs.has(nameId);
    },

    async create(req: ResolvedCreateRequest, ctx) {
      const vmGroup = groupOf(req.vmGroup, undefined, ctx);
      const family = req.listener.addressFamily ?? 'IPV4';
      const { ip, ipv6 } = listenerAddresses(family, req.listener.ip);
      assertListenerFree(ip, req.listener.port, req.listener.protocol, undefined, ctx);
      const name = req.iid.nameId;
      return store({
        iid: { nameId: name, systemId: deps.newId('nlb') },
        vpcIID: req.vpcIID,
        type: req.type,
        scope: req.scope,
        listener: {
          protocol: req.listener.protocol,
          ip,
          port: req.listener.port,
          dnsName: `${name.toLowerCase()}.mock.nlbkit.test`,
          cspId: deps.newId('listener'),
          keyValueList: [],
          addressFamily: family,
          ...(ipv6 ? { ipv6 } : {}),
        },
        vmGroup,
        healthChecker: req.healthChecker,
        createdTime: deps.clock(),
        tagList: req.tagList,
        keyValueList: req.keyValueList,
      });
    },

    async delete(current) {
      forget(current.iid.nameId);
    },

    async changeListener(current, next: ValidListener, ctx) {
      const family = next.addressFamily ?? current.listener.addressFamily ?? 'IPV4';
      const addresses = changedAddresses(current.listener, family, next.ip);
      const ip = addresses.ip as string;
      assertListenerFree(ip, next.port, next.protocol, current.iid.nameId, ctx);
      const { ipv6: _old, ...rest } = current.listener;
      const listener = { ...rest, protocol: next.protocol, port: next.port, ip, addressFamily: family };
      return store({
        ...current,
        listener: addresses.ipv6 ? { ...listener, ipv6: addresses.ipv6 } : listener,
      });
    },

    async changeVMGroup(current, next, ctx) {
      return store({ ...current, vmGroup: groupOf(next, current.vmGroup, ctx) });
    },

    async addVMs(current, vms, ctx) {
      const added = resolveVMs(vms, ctx);
      return store({ ...current, vmGroup: { ...current.vmGroup, vms: [...current.vmGroup.vms, ...added] } });
    },

    async removeVMs(current, vms) {
      const gone = new Set(vms.map((vm) => vm.nameId));
      store({
        ...current,
        vmGroup: { ...current.vmGroup, vms: current.vmGroup.vms.filter((vm) => !gone.has(vm.nameId)) },
      });
    },

    async health(current): Promise<HealthInfo> {
      const details: VMHealthDetail[] = current.vmGroup.vms.map((vm) => {
        const h = deps.health.get(vm.nameId);
        const vmIID = { nameId: vm.nameId, systemId: vm.systemId };
        return {
          vm: vmIID,
          state: h?.state ?? deps.initialHealth,
          reason: h?.reason,
          lastChange: h?.lastChange,
        };
      });
      const pick = (state: VMHealthState) => details.filter((d) => d.state === state).map((d) => d.vm);
      return {
        allVMs: details.map((d) => d.vm),
        healthyVMs: pick('HEALTHY'),
        unhealthyVMs: pick('UNHEALTHY'),
        unknownVMs: pick('UNKNOWN'),
        details,
      };
    },

    async changeHealthChecker(current, next) {
      return store({ ...current, healthChecker: next });
    },
  };
  /** Gives an NLB another provider id (an adopted NLB keeps the one the cloud gave it). */
  function setSystemId(nameId: string, systemId: string): NLBInfo {
    const info = nlbs.get(nameId) as NLBInfo;
    return store({ ...info, iid: { nameId, systemId } });
  }
  return { backend, nlbs, setSystemId };
}
