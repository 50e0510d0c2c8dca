/**
 * What the status page shows, gathered from the connections: each one's NLBs and per-VM health, and
 * for native connections the store's revision and every node's report (as `nlbkit status --nodes`
 * reads them). A connection that fails, or takes too long, is shown with its error; the others are
 * gathered all the same.
 */
import { type StoreStatus, storeStatus } from '../../cli/status-report.js';
import { isNLBError } from '../../interfaces/errors.js';
import type { NLBHandler } from '../../interfaces/handler.js';
import type { HealthInfo, NLBInfo, VMHealthState } from '../../interfaces/types.js';
import type { StateStore } from '../../native/store/types.js';
import type { ConnectionRegistry } from '../connections/connection-registry.js';

/** One VM of an NLB and its health (UNKNOWN too when health could not be read). */
export interface VMStatus {
  name: string;
  state: VMHealthState;
}

/** One NLB as the page shows it. */
export interface NLBStatus {
  nlb: NLBInfo;
  vms: VMStatus[];
  /** Why health could not be read, when it could not. */
  healthError?: string | undefined;
}

/** One connection as the page shows it. */
export interface ConnectionStatus {
  name: string;
  driver: string;
  nlbs: NLBStatus[];
  /** Why the connection could not be listed; its NLBs are then empty. */
  error?: string | undefined;
  /** Native connections: the store's revision and each node's report. */
  store?: StoreStatus | undefined;
  /** Native connections: why the node reports could not be read. */
  storeError?: string | undefined;
}

/** Only an NLBError's message is shown: it is written to be safe to show (no secrets at any depth). */
const errorText = (e: unknown) => (isNLBError(e) ? e.message : 'internal error');

/** The native driver's store, when the handler has one (duck-typed: the page needs only these two reads). */
function storeOf(handler: NLBHandler): Pick<StateStore, 'list' | 'listNodeReports'> | undefined {
  const store = (handler as { store?: Partial<StateStore> }).store;
  return typeof store?.list === 'function' && typeof store.listNodeReports === 'function'
    ? (store as StateStore)
    : undefined;
}

function vmStates(nlb: NLBInfo, health: HealthInfo | undefined): VMStatus[] {
  const state = (name: string): VMHealthState => {
    if (health?.healthyVMs.some((v) => v.nameId === name)) return 'HEALTHY';
    if (health?.unhealthyVMs.some((v) => v.nameId === name)) return 'UNHEALTHY';
    return 'UNKNOWN';
  };
  return nlb.vmGroup.vms.map((vm) => ({ name: vm.nameId, state: state(vm.nameId) }));
}

async function nlbStatus(handler: NLBHandler, nlb: NLBInfo, signal: AbortSignal): Promise<NLBStatus> {
  try {
    const health = await handler.getVMGroupHealthInfo({ nameId: nlb.iid.nameId }, { signal });
    return { nlb, vms: vmStates(nlb, health) };
  } catch (e) {
    return { nlb, vms: vmStates(nlb, undefined), healthError: errorText(e) };
  }
}

async function connectionStatus(
  registry: ConnectionRegistry,
  name: string,
  timeoutMs: number,
): Promise<ConnectionStatus> {
  let driver = '?';
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    driver = registry.driverOf(name);
    const handler = await registry.handler(name);
    const nlbs = await handler.listNLB({ signal });
    const status: ConnectionStatus = {
      name,
      driver,
      nlbs: await Promise.all(nlbs.map((nlb) => nlbStatus(handler, nlb, signal))),
    };
    const store = storeOf(handler);
    if (store) {
      try {
        status.store = storeStatus(await store.list(), await store.listNodeReports());
      } catch (e) {
        status.storeError = errorText(e);
      }
    }
    return status;
  } catch (e) {
    const late = signal.aborted ? `no answer within ${timeoutMs} ms: ` : '';
    return { name, driver, nlbs: [], error: late + errorText(e) };
  }
}

/** Every connection's status, in the file's order; each waits at most `timeoutMs`. */
export function collectStatus(registry: ConnectionRegistry, timeoutMs: number): Promise<ConnectionStatus[]> {
  return Promise.all(registry.names().map((name) => connectionStatus(registry, name, timeoutMs)));
}
