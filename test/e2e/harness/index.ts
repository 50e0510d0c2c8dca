/**
 * The netns end-to-end harness: build a lab (client, LB node(s), backends with real servers), drive
 * traffic from the client namespace, and clean up. The implementation lives in src/lab (the demo
 * uses it too); this module is what tests import.
 */
export {
  BACKEND_NET,
  backendAddress,
  CLIENT_NET,
  clientAddress,
  lbBackendSide,
  uplink,
  VIP_POOL,
} from '../../../src/lab/lab-addresses.js';
export { mustRun, runArgv } from '../../../src/lab/lab-exec.js';
export {
  DEMO_PREFIX,
  E2E_PREFIX,
  LAB_PREFIXES,
  listNamespaces,
  removeStaleNamespaces,
} from '../../../src/lab/lab-names.js';
export {
  type BackendPorts,
  BackendServer,
  type BatchJob,
  type ConnResult,
  countByBackend,
  type HeldConnection,
  type HoldStatus,
  LabClient,
} from '../../../src/lab/lab-programs.js';
export {
  type AddressPair,
  buildTopology,
  type LabNode,
  type Topology,
  type TopologyOptions,
} from '../../../src/lab/lab-topology.js';
export {
  nftTransactions,
  renderedBackends,
  vmHealth,
  waitAllState,
  waitVMState,
} from './health-probes.js';
export { listAddresses, listRuleset, listTables, tableElements } from './kernel-state.js';
export { type NativeLab, type NativeLabOptions, startNativeLab } from './native-lab.js';
export { type RecordedCall, type RecordingExecutor, recordingExecutor } from './recording-executor.js';
export { requireRootNetns } from './require-root-netns.js';
export { type Waited, waitFor } from './wait-for.js';
