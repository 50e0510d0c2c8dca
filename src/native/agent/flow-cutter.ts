/**
 * Ends the established flows of backends whose drain is over (issue 20): deletes their conntrack
 * entries (`conntrack -D`, an argument vector of validated values). With the entry gone, the flow's
 * next packet is a new flow to the load balancer, which no longer sends it to that backend, so the
 * connection ends. Each cut runs once per agent process; an agent restarted within the record's grace
 * time cuts again, which finds nothing and is harmless.
 */
import { NLBError } from '../../interfaces/errors.js';
import { parseAddress } from '../../interfaces/schemas.js';
import type { Executor } from '../executor/types.js';
import type { NodeDataplaneState } from '../model.js';

/** One conntrack deletion: the flows to `vip:port` answered by `address:backendPort`. */
export interface FlowCut {
  protocol: 'tcp' | 'udp';
  family: 4 | 6;
  vip: string;
  port: number;
  address: string;
  backendPort: number;
  /** When the drain ended: with the rest, what makes one cut (a later drain of the same VM is another). */
  until: number;
}

/** The cuts a desired state asks for. */
export function cutsOf(state: NodeDataplaneState): FlowCut[] {
  return state.services.flatMap((s) =>
    (s.drained ?? []).map((d) => ({
      protocol: s.protocol,
      family: s.family,
      vip: s.vip,
      port: s.port,
      address: d.address,
      backendPort: d.port,
      until: d.until,
    })),
  );
}

const validPort = (p: number) => Number.isInteger(p) && p >= 1 && p <= 65535;

/** The `conntrack -D` argument vector of a cut; throws on a value that is not an address or port. */
export function conntrackArgs(cut: FlowCut): string[] {
  const ok =
    parseAddress(cut.vip)?.address === cut.vip &&
    parseAddress(cut.address)?.address === cut.address &&
    validPort(cut.port) &&
    validPort(cut.backendPort) &&
    (cut.protocol === 'tcp' || cut.protocol === 'udp');
  if (!ok)
    throw new NLBError({
      code: 'INVALID_ARGUMENT',
      driver: 'native',
      operation: 'cutFlows',
      message: 'a drained backend has an invalid address or port',
    });
  return [
    'conntrack',
    '-D',
    '-f',
    cut.family === 6 ? 'ipv6' : 'ipv4',
    '-p',
    cut.protocol,
    '--orig-dst',
    cut.vip,
    '--orig-port-dst',
    String(cut.port),
    '--reply-src',
    cut.address,
    '--reply-port-src',
    String(cut.backendPort),
  ];
}

/** Runs each cut not run before by this cutter; conntrack's "0 flow entries" (exit 1) is no error. */
export function createFlowCutter(executor: Executor, log: (line: string) => void) {
  const done = new Set<string>();
  return async function cutFlows(cuts: readonly FlowCut[]): Promise<number> {
    let ran = 0;
    const wanted = new Set<string>();
    for (const cut of cuts) {
      const argv = conntrackArgs(cut);
      const key = `${argv.join(' ')} ${cut.until}`;
      wanted.add(key);
      if (done.has(key)) continue;
      const r = await executor.run(argv, { timeoutMs: 10_000 });
      if (r.code !== 0 && !/0 flow entries/.test(r.stderr))
        throw new NLBError({
          code: 'PROVIDER_ERROR',
          driver: 'native',
          operation: 'cutFlows',
          message: `conntrack on ${executor.where} failed (exit ${r.code}): ${r.stderr.trim().slice(0, 300)}`,
        });
      done.add(key);
      ran += 1;
      log(
        `${executor.where}: ended the flows of drained backend ${cut.address}:${cut.backendPort} (${cut.vip}:${cut.port})`,
      );
    }
    // Forget cuts the store no longer lists, so the set stays as small as the drains in the records.
    for (const key of done) if (!wanted.has(key)) done.delete(key);
    return ran;
  };
}
