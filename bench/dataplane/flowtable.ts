/**
 * The flowtable experiment: an nftables flowtable on the LB node's two links, so packets of established
 * flows skip the forward path (and, for NAT flows, apply the conntrack NAT directly at ingress). It lives
 * in its own table, next to the native driver's (which stays untouched: nlbkit still chooses the backend
 * and does the DNAT); the bench adds it only around the `nlbkit+ft` cases. The native driver has no such
 * option yet: docs/performance.md says what to add if the numbers justify it.
 */
import type { Executor } from '../../src/native/executor/types.js';

const TABLE = 'nlbk_bench_ft';

/** The table: a flowtable over the LB node's uplink and backend link, fed from the forward hook. */
export function flowtableScript(devices: string[]): string {
  return `table inet ${TABLE} {
	flowtable ft {
		hook ingress priority filter
		devices = { ${devices.join(', ')} }
	}
	chain forward {
		type filter hook forward priority filter; policy accept;
		meta l4proto { tcp, udp } flow add @ft
	}
}
`;
}

/** Adds the flowtable table on the node behind `exec`. */
export async function enableFlowtable(exec: Executor, devices = ['up0', 'dn0']): Promise<void> {
  const r = await exec.run(['nft', '-f', '-'], { stdin: flowtableScript(devices), timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(`cannot add the flowtable: ${r.stderr.trim()}`);
}

/** Removes the flowtable table (no-op when absent). */
export async function disableFlowtable(exec: Executor): Promise<void> {
  const r = await exec.run(['nft', 'delete', 'table', 'inet', TABLE], { timeoutMs: 10_000 });
  if (r.code !== 0 && !/No such file/.test(r.stderr)) {
    throw new Error(`cannot remove the flowtable: ${r.stderr.trim()}`);
  }
}

/** Whether this kernel can make the flowtable (many lack CONFIG_NF_FLOW_TABLE); the reason if not. */
export async function probeFlowtable(exec: Executor): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await enableFlowtable(exec);
    await disableFlowtable(exec);
    return { ok: true };
  } catch (error) {
    const detail = (error as Error).message.split('\n')[0] ?? '';
    return {
      ok: false,
      reason: `the kernel refused the flowtable (${detail.trim()}); it needs CONFIG_NF_FLOW_TABLE and CONFIG_NF_FLOW_TABLE_INET`,
    };
  }
}
