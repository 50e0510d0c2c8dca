/**
 * Chooses an NLB's VIP from the pool, given what the other NLBs use.
 *
 * Sharing: two NLBs may share a VIP when they listen on different (protocol, port) pairs, as
 * Exoscale's "one IP, several services" does; the data plane keys services by
 * `daddr . l4proto . dport`. A VIP is shared only when the caller asks for it by naming the address:
 * automatic allocation always takes an address no NLB uses.
 */
import { NLBError } from '../../interfaces/errors.js';
import { quoteInput } from '../../interfaces/input-text.js';
import type { VipPool } from './vip-pool.js';
import { type VipUse, VipUseIndex } from './vip-uses.js';

export type { VipUse };

/** The NLB that wants a VIP. */
export interface VipRequest {
  /** The NLB's name; its own current use does not conflict with itself. */
  name: string;
  /** The listener IP the caller asked for (canonical), if any. */
  requestedIp?: string;
  family: 4 | 6;
  protocol: 'TCP' | 'UDP';
  port: number;
}

/**
 * Returns the VIP for `req`, given every NLB's use (an index the caller keeps, or a list). Throws
 * INVALID_ARGUMENT (listener.ip outside the pool, or no range of the family), CONFLICT (the address,
 * protocol and port are another NLB's, or the pool is exhausted).
 */
export function assignVip(
  pool: VipPool,
  uses: VipUseIndex | readonly VipUse[],
  req: VipRequest,
  ctx: { driver: string; operation: string },
): string {
  const index = uses instanceof VipUseIndex ? uses : new VipUseIndex(pool, uses);
  const fail = (code: 'INVALID_ARGUMENT' | 'CONFLICT', message: string, path = 'listener.ip') =>
    new NLBError({
      ...ctx,
      code,
      message: `${path}: ${message}`,
      violations:
        code === 'INVALID_ARGUMENT' ? [{ path, message, allowed: pool.description, code }] : undefined,
    });
  if (req.requestedIp !== undefined) {
    if (!pool.contains(req.requestedIp))
      throw fail('INVALID_ARGUMENT', `${req.requestedIp} is outside the VIP pool (${pool.description})`);
    const clash = index.holder(req.requestedIp, req.protocol, req.port, req.name);
    if (clash !== undefined)
      throw fail(
        'CONFLICT',
        `${req.requestedIp} ${req.protocol} port ${req.port} is already used by NLB ${quoteInput(clash)}`,
      );
    return req.requestedIp;
  }
  if (!pool.families.has(req.family))
    throw fail('INVALID_ARGUMENT', `the VIP pool (${pool.description}) has no IPv${req.family} range`);
  const vip = index.lowestFree(req.family, req.name);
  if (vip === undefined)
    throw fail('CONFLICT', `the VIP pool (${pool.description}) has no free IPv${req.family} address`);
  return vip;
}
