/** Resolves VM names to the address of one family through the user's inventory. */

import type { BackendContext } from '../../driver-kit/index.js';
import { NLBError } from '../../interfaces/errors.js';
import { quoteInput } from '../../interfaces/input-text.js';
import { parseAddress } from '../../interfaces/schemas.js';
import { DRIVER_NAME } from './native-capabilities.js';
import type { VMAddresses, VMInventory } from './native-options.js';

/** A VM's canonical addresses, looked up once per request. */
export interface ResolvedVM {
  name: string;
  ipv4?: string;
  ipv6?: string;
}

/** Looks up every VM; NOT_FOUND names the first one the inventory does not know. */
export async function resolveVMs(
  inventory: VMInventory,
  names: readonly string[],
  ctx: BackendContext,
  path: string,
): Promise<ResolvedVM[]> {
  const out: ResolvedVM[] = [];
  for (const [i, name] of names.entries()) {
    let found: VMAddresses | undefined;
    try {
      found =
        typeof inventory === 'function'
          ? await inventory(name)
          : Object.hasOwn(inventory, name)
            ? inventory[name]
            : undefined;
    } catch (e) {
      throw new NLBError({
        code: 'UNAVAILABLE',
        driver: DRIVER_NAME,
        operation: ctx.operation,
        message: `the VM inventory failed to look up ${quoteInput(name)}`,
        cause: e,
      });
    }
    if (!found)
      throw new NLBError({
        code: 'NOT_FOUND',
        driver: DRIVER_NAME,
        operation: ctx.operation,
        message: `${path}[${i}]: no VM named ${quoteInput(name)} in the inventory`,
      });
    const canon = (text: string | undefined, family: 4 | 6) => {
      if (text === undefined) return undefined;
      const p = parseAddress(text);
      if (p?.family !== family)
        throw new NLBError({
          code: 'INVALID_ARGUMENT',
          driver: DRIVER_NAME,
          operation: ctx.operation,
          message: `the inventory gives VM ${quoteInput(name)} the IPv${family} address ${quoteInput(text)}, which is not one`,
        });
      return p.address;
    };
    out.push({ name, ipv4: canon(found.ipv4, 4), ipv6: canon(found.ipv6, 6) });
  }
  return out;
}

/** The family a new NLB's VIP takes when none is requested: IPv4 if every VM has one, else IPv6. */
export function chooseFamily(vms: readonly ResolvedVM[], poolFamilies: ReadonlySet<4 | 6>): 4 | 6 {
  if (poolFamilies.has(4) && vms.every((vm) => vm.ipv4)) return 4;
  if (poolFamilies.has(6) && vms.every((vm) => vm.ipv6)) return 6;
  return poolFamilies.has(4) ? 4 : 6;
}

/** Each VM's address of `family`; INVALID_ARGUMENT names the first VM without one. */
export function addressesOf(
  vms: readonly ResolvedVM[],
  family: 4 | 6,
  ctx: BackendContext,
  path: string,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const [i, vm] of vms.entries()) {
    const address = family === 4 ? vm.ipv4 : vm.ipv6;
    if (!address)
      throw new NLBError({
        code: 'INVALID_ARGUMENT',
        driver: DRIVER_NAME,
        operation: ctx.operation,
        message: `${path}[${i}]: VM ${quoteInput(vm.name)} has no IPv${family} address, and the NLB's VIP is IPv${family}`,
        violations: [
          { path: `${path}[${i}]`, message: `has no IPv${family} address`, code: 'INVALID_ARGUMENT' },
        ],
      });
    out.set(vm.name, address);
  }
  return out;
}
