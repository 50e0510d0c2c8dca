/**
 * Whether the LB node's kernel can hold nlbkit's flowtable (many kernels lack CONFIG_NF_FLOW_TABLE):
 * the native data plane itself writes its table, flowtable included, under a throwaway name and
 * removes it again. The `nlbkit+ft` cases use the driver's `flowtable` option (lab.ts); this only
 * decides whether to run them.
 */
import type { Executor } from '../../src/native/executor/types.js';
import { createNftDataplane } from '../../src/native/nft/nft-dataplane.js';
import { FLOWTABLE_DEVICES } from './lab.js';

/** Whether this kernel takes the flowtable on the lab's LB links; the reason if not. */
export async function probeFlowtable(exec: Executor): Promise<{ ok: true } | { ok: false; reason: string }> {
  const dp = createNftDataplane({
    executor: exec,
    tableName: 'nlbk_bench_probe',
    flowtable: { devices: FLOWTABLE_DEVICES },
  });
  try {
    await dp.sync({ services: [], hashSeed: 0, maglevTableSize: 13 });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: ((error as Error).message.split('\n')[0] ?? '').trim() };
  } finally {
    await dp.destroy().catch(() => undefined);
  }
}
