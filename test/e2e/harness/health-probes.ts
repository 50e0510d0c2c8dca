/**
 * Readers for health tests on a {@link NativeLab}: a VM's health as the public API reports it (polled
 * with a deadline), which backends the LB node's ruleset sends new flows to, and how many nft
 * transactions the agent ran.
 */
import type { HealthInfo, NLBInfo, VMHealthDetail, VMHealthState } from '../../../src/interfaces/types.js';
import { listRuleset } from './kernel-state.js';
import type { NativeLab } from './native-lab.js';
import { type Waited, waitFor } from './wait-for.js';

/** `vm`'s detail in getVMGroupHealthInfo. */
export async function vmHealth(lab: NativeLab, nlb: NLBInfo, vm: string): Promise<VMHealthDetail> {
  const info = await lab.driver.getVMGroupHealthInfo(nlb.iid);
  const d = info.details.find((x) => x.vm.nameId === vm);
  if (!d) throw new Error(`no health detail for ${vm} in ${nlb.iid.nameId}`);
  return d;
}

/** Polls getVMGroupHealthInfo until `vm` is in `state`; rejects after `deadlineMs` with the last detail. */
export function waitVMState(
  lab: NativeLab,
  nlb: NLBInfo,
  vm: string,
  state: VMHealthState,
  deadlineMs: number,
): Promise<Waited<VMHealthDetail>> {
  let last: VMHealthDetail | undefined;
  return waitFor(
    `${vm} of ${nlb.iid.nameId} ${state}`,
    deadlineMs,
    async () => {
      last = await vmHealth(lab, nlb, vm);
      return last.state === state ? last : undefined;
    },
    { describe: () => last },
  );
}

/** Polls getVMGroupHealthInfo until every VM of `nlb` is in `state`. */
export function waitAllState(
  lab: NativeLab,
  nlb: NLBInfo,
  state: VMHealthState,
  deadlineMs: number,
): Promise<Waited<HealthInfo>> {
  let last: string[] = [];
  return waitFor(
    `every VM of ${nlb.iid.nameId} ${state}`,
    deadlineMs,
    async () => {
      const info = await lab.driver.getVMGroupHealthInfo(nlb.iid);
      last = info.details.map((d) => `${d.vm.nameId}:${d.state}`);
      return info.details.every((d) => d.state === state) ? info : undefined;
    },
    { describe: () => last },
  );
}

/**
 * Names of the lab's backends that appear as a DNAT target (`: <address> . <port>`) in LB node 0's
 * ruleset, sorted. Meaningful while one NLB (on backend port `port`) exists.
 */
export async function renderedBackends(lab: NativeLab, port = 8080): Promise<string[]> {
  const ruleset = await listRuleset(lab.lbExec);
  return lab.topo.backends
    .filter((b) => ruleset.includes(`: ${b.address.v4} . ${port}`))
    .map((b) => b.name)
    .sort();
}

/** nft transactions (`nft -f -`) the agent on LB node 0 has run so far. */
export function nftTransactions(lab: NativeLab): number {
  return lab.lbExec.calls.filter((c) => c.argv[0] === 'nft' && c.argv[1] === '-f').length;
}
