/**
 * Finding VMs: instances of the driver's region by name (aggregated list, a name filter per 50 VMs),
 * each with the zone, network, subnetwork and address of its first interface, which is what a
 * GCE_VM_IP endpoint stands for.
 */
import { mapLimited } from '../../common/map-limited.js';
import { NLBError } from '../../interfaces/errors.js';
import type { VMGroupMember } from '../../interfaces/types.js';
import type { CallContext, GcpApi } from './gcp-api.js';
import { nameOf } from './gcp-convert.js';
import { GCP_DRIVER_NAME } from './gcp-name.js';

/** A VM as the NLB needs it. */
export interface ResolvedVM {
  nameId: string;
  systemId: string;
  zone: string;
  /** Network and subnetwork URLs of its first interface, and that interface's address. */
  network: string;
  subnetwork: string;
  ip: string;
}

/** Compute Engine instance names (RFC 1035); other names cannot be instances. */
const INSTANCE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const PER_FILTER = 50;

const fail = (code: 'NOT_FOUND' | 'INVALID_ARGUMENT', operation: string, message: string) =>
  new NLBError({ code, driver: GCP_DRIVER_NAME, operation, message });

/** The VMs, in request order; NOT_FOUND names every VM not in the region, INVALID_ARGUMENT a VM off `network`. */
export async function resolveVMs(
  api: GcpApi,
  vms: readonly VMGroupMember[],
  network: string,
  ctx: CallContext,
): Promise<ResolvedVM[]> {
  const valid = vms.filter((vm) => INSTANCE_NAME.test(vm.nameId));
  const chunks: string[][] = [];
  for (let i = 0; i < valid.length; i += PER_FILTER)
    chunks.push(valid.slice(i, i + PER_FILTER).map((vm) => vm.nameId));
  const found = (
    await mapLimited(chunks, 4, (names) => api.findInstances(`(${names.join('|')})`, ctx))
  ).flat();
  const missing: string[] = [];
  const out: ResolvedVM[] = [];
  for (const vm of vms) {
    let hits = found.filter((f) => f.instance.name === vm.nameId);
    if (vm.systemId) hits = hits.filter((f) => String(f.instance.id) === vm.systemId);
    if (hits.length === 0) {
      missing.push(vm.nameId);
      continue;
    }
    if (hits.length > 1)
      throw fail(
        'INVALID_ARGUMENT',
        ctx.operation,
        `VM '${vm.nameId}' names instances in zones ${hits.map((h) => h.zone).join(', ')}; give its systemId (instance id) to choose one`,
      );
    const { zone, instance } = hits[0] as (typeof hits)[number];
    const nic = instance.networkInterfaces?.[0];
    if (nameOf(nic?.network) !== network)
      throw fail(
        'INVALID_ARGUMENT',
        ctx.operation,
        `VM '${vm.nameId}' is on network '${nameOf(nic?.network)}', not the NLB's '${network}'`,
      );
    out.push({
      nameId: vm.nameId,
      systemId: String(instance.id ?? ''),
      zone,
      network: nic?.network ?? '',
      subnetwork: nic?.subnetwork ?? '',
      ip: nic?.networkIP ?? '',
    });
  }
  if (missing.length > 0)
    throw fail(
      'NOT_FOUND',
      ctx.operation,
      `no VM named ${missing.map((n) => `'${n}'`).join(', ')} in region ${api.region}`,
    );
  return out;
}

/** VMs grouped by zone. */
export function byZone<T extends { zone: string }>(vms: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const vm of vms) out.set(vm.zone, [...(out.get(vm.zone) ?? []), vm]);
  return out;
}
