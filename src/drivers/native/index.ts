/** nlbkit/native: nlbkit as the load balancer (driver, store, agent). */

export {
  type Agent,
  type AgentOptions,
  createAgent,
  type ReconcileOutcome,
} from '../../native/agent/index.js';
export {
  type AnnounceConfig,
  type AnnounceMode,
  type Announcer,
  type AnnounceState,
  type AnnounceTarget,
  type BgpAnnouncerOptions,
  createAnnouncer,
  createBgpAnnouncer,
  createL2Announcer,
  type L2AnnouncerOptions,
  type L2AnnounceSettings,
  requireLeases,
} from '../../native/announce/index.js';
export { type Executor, localExecutor, netnsExecutor, sshExecutor } from '../../native/executor/index.js';
export {
  createFakeNftExecutor,
  type FakeNftExecutor,
  type FakeNftExecutorOptions,
} from '../../native/fake/index.js';
export {
  createHealthMonitor,
  createNetnsHealthSource,
  type NetnsHealthSource,
  type NetnsHealthSourceOptions,
} from '../../native/health/index.js';
export type { HealthSource } from '../../native/health/types.js';
export { createIpvsDataplane, type IpvsDataplaneOptions } from '../../native/ipvs/index.js';
export { createNftDataplane } from '../../native/nft/nft-dataplane.js';
export {
  createFileStore,
  createMemoryStore,
  createPostgresStore,
  type FileStoreOptions,
  isStoreMissing,
  type PgPoolLike,
  type PostgresConnectionOptions,
  type PostgresStoreOptions,
  type StateStore,
} from '../../native/store/index.js';
export { createVipPool, type VipPool } from '../../native/vip/index.js';
export { DRIVER_NAME, NATIVE_CAPABILITIES } from './native-capabilities.js';
export { type ConvergenceOptions, createNativeDriver, type NativeDriver } from './native-driver.js';
export type {
  EmbeddedAgentOptions,
  NativeCallOptions,
  NativeDriverOptions,
  VipPoolOptions,
  VMAddresses,
  VMInventory,
} from './native-options.js';
export { LIVE_REPORT_WINDOW_MS, type WaitingHandler } from './native-wait.js';
