/** The default data plane of an embedded agent: nftables through the agent's executor. */
import type { Executor } from '../../native/executor/types.js';
import type { Dataplane } from '../../native/model.js';
import { createNftDataplane } from '../../native/nft/nft-dataplane.js';

/** A fresh nftables data plane (its first sync adopts an unchanged table, or rebuilds it in full). */
export const defaultDataplane = (executor: Executor, flowtable?: { devices: string[] }): Dataplane =>
  createNftDataplane({ executor, ...(flowtable ? { flowtable } : {}) });
