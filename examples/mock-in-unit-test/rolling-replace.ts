/**
 * A user's own service code: replace one VM behind a load balancer without dropping capacity.
 * Add the new VM, wait until the load balancer sees it healthy, then remove the old one; if the new VM
 * never becomes healthy, take it out again and leave the group as it was. Retries throttled calls.
 */
import { isNLBError, type NLBHandler } from 'nlbkit';

export interface ReplaceOptions {
  /** How many times to look at health before giving up. */
  healthPolls?: number;
  /** Milliseconds between looks. */
  pollMs?: number;
}

/** Retries `fn` while it fails with a retryable NLBError (THROTTLED, UNAVAILABLE, TIMEOUT). */
async function retrying<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (!isNLBError(e) || !e.retryable || i >= attempts) throw e;
    }
  }
}

/** Swaps `oldVM` for `newVM` in NLB `nlbName`. Returns 'replaced' or 'rolled-back'. */
export async function rollingReplace(
  nlb: NLBHandler,
  nlbName: string,
  oldVM: string,
  newVM: string,
  { healthPolls = 5, pollMs = 10 }: ReplaceOptions = {},
): Promise<'replaced' | 'rolled-back'> {
  const iid = { nameId: nlbName };
  await retrying(() => nlb.addVMs(iid, [{ nameId: newVM }]));
  for (let i = 0; i < healthPolls; i++) {
    const health = await retrying(() => nlb.getVMGroupHealthInfo(iid));
    if (health.healthyVMs.some((vm) => vm.nameId === newVM)) {
      await retrying(() => nlb.removeVMs(iid, [{ nameId: oldVM }]));
      return 'replaced';
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  await retrying(() => nlb.removeVMs(iid, [{ nameId: newVM }]));
  return 'rolled-back';
}
