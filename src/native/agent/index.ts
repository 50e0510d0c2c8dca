/** The native agent: reconciles one LB node's kernel with the store. */
export { type Agent, type AgentOptions, createAgent, type ReconcileOutcome } from './agent.js';
export {
  DEFAULT_HASH_SEED,
  DEFAULT_MAGLEV_TABLE_SIZE,
  healthKey,
  type NodePlan,
  planNode,
} from './desired-state.js';
export { DEFAULT_VIP_INTERFACE, INTERFACE_PATTERN, VipAddresses } from './vip-addresses.js';
