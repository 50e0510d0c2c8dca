/**
 * Whether the LB node's kernel can hold an nftables flowtable, probed with a throwaway table of its own
 * (many kernels lack CONFIG_NF_FLOW_TABLE). The `nlbkit+ft` cases use the native driver's own
 * `flowtable` option (lab.ts); this only decides whether to run them.
 */
import type { Executor } from '../../src/native/executor/types.js';
import { FLOWTABLE_DEVICES } from './lab.js';

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

/** Adds the probe table on the node behind `exec`. */
async function enableFlowtable(exec: Executor, devices = FLOWTABLE_DEVICES): Promise<void> {
  const r = await exec.run(['nft', '-f', '-'], { stdin: flowtableScript(devices), timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(`cannot add the flowtable: ${r.stderr.trim()}`);
}

/** Removes the probe table (no-op when absent). */
async function disableFlowtable(exec: Executor): Promise<void> {
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
