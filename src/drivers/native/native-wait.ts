/**
 * Waiting for the LB nodes to apply a store revision: which nodes count, telling "applied on node X"
 * as each does, and the TIMEOUT that names the nodes that have not (the change stays stored).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { z } from 'zod';
import { sleep } from '../../common/abort.js';
import type { ProgressReporter } from '../../common/progress.js';
import { NLBError, violationsError } from '../../interfaces/errors.js';
import type { NLBHandler, NLBOperation } from '../../interfaces/handler.js';
import { quoteInput } from '../../interfaces/input-text.js';
import { parseInput } from '../../interfaces/schemas.js';
import type * as T from '../../interfaces/types.js';
import type { NodeReport, StateStore } from '../../native/store/types.js';
import { DRIVER_NAME } from './native-capabilities.js';
import type { NativeCallOptions } from './native-options.js';

/**
 * A node behind the store counts as live when it reported within this window: 10 minutes. Agents
 * write a report only when something changed, so an idle node's report may be older; it still counts
 * while it holds the revision before the change (it was in step with the store).
 */
export const LIVE_REPORT_WINDOW_MS = 10 * 60_000;

/** The longest `wait.timeoutMs`: a day. */
const MAX_WAIT_MS = 86_400_000;

const waitSchema = z.strictObject({
  timeoutMs: z.number().int().min(1).max(MAX_WAIT_MS).optional(),
});

/** A call's `wait` option as read. */
export type WaitOption = z.output<typeof waitSchema>;

/**
 * Reads `opts.wait` once; a value that is not `{ timeoutMs? }` (1 ms to a day), or cannot be read, is
 * INVALID_ARGUMENT before anything is done. Options that are not an object are left to the guard.
 */
export function readWait(opts: unknown, operation: string): WaitOption | undefined {
  if (typeof opts !== 'object' || opts === null) return undefined;
  let raw: unknown;
  try {
    raw = (opts as { wait?: unknown }).wait;
  } catch {
    throw violationsError(DRIVER_NAME, operation, [
      {
        path: 'opts.wait',
        message: 'could not be read (a getter or proxy trap threw)',
        code: 'INVALID_ARGUMENT',
      },
    ]);
  }
  if (raw === undefined) return undefined;
  return parseInput(waitSchema, raw, { driver: DRIVER_NAME, operation, root: 'opts.wait' });
}

/**
 * The nodes that must apply `revision`: `configured` when given; else the embedded agent's node and
 * every live node of the store: one that has applied at least the revision before this change, or
 * reported within {@link LIVE_REPORT_WINDOW_MS}. A node decommissioned long ago is neither.
 */
export function nodesToWaitFor(
  reports: readonly NodeReport[],
  revision: number,
  opts: { configured?: readonly string[] | undefined; embedded?: string | undefined; now: number },
): string[] {
  if (opts.configured) return [...opts.configured];
  const live = reports
    .filter(
      (r) => r.appliedRevision >= revision - 1 || opts.now - Date.parse(r.updatedAt) <= LIVE_REPORT_WINDOW_MS,
    )
    .map((r) => r.node);
  return [...new Set([...(opts.embedded ? [opts.embedded] : []), ...live])];
}

/** What {@link waitForNodes} needs. */
export interface NodeWait {
  store: StateStore;
  revision: number;
  timeoutMs: number;
  operation: string;
  signal?: AbortSignal | undefined;
  /** Told "applied on node X" once per node as it applies `revision`. */
  progress?: ProgressReporter | undefined;
  /** The nodes to wait for, given the reports read now; a node once expected stays so. */
  expected(reports: readonly NodeReport[]): string[];
  /** The embedded agent, asked to reconcile rather than waited for (no polling delay). */
  embedded?: { node: string; reconcile(): Promise<number | undefined> } | undefined;
  /** Milliseconds between polls of the node reports. */
  pollMs: number;
}

/**
 * Resolves with `revision` once every expected node has applied it (at least one node); past the
 * timeout, TIMEOUT naming each node behind, where it stands and its last error.
 */
export async function waitForNodes(w: NodeWait): Promise<number> {
  const deadline = Date.now() + w.timeoutMs;
  const expected = new Set<string>();
  const told = new Set<string>();
  for (;;) {
    let embeddedAt: number | undefined;
    if (w.embedded && (expected.size === 0 || expected.has(w.embedded.node)))
      embeddedAt = await w.embedded.reconcile();
    const reports = await w.store.listNodeReports();
    for (const n of w.expected(reports)) expected.add(n);
    const at = (node: string) => {
      const reported = reports.find((r) => r.node === node)?.appliedRevision ?? 0;
      return node === w.embedded?.node ? Math.max(reported, embeddedAt ?? 0) : reported;
    };
    for (const node of expected)
      if (!told.has(node) && at(node) >= w.revision) {
        told.add(node);
        w.progress?.('applied', `applied on node ${node}`);
      }
    const behind = [...expected].filter((n) => at(n) < w.revision);
    if (expected.size > 0 && behind.length === 0) return w.revision;
    if (Date.now() > deadline) throw notAppliedError(w, behind, reports);
    await sleep(w.pollMs, w.signal, DRIVER_NAME, w.operation);
  }
}

/** TIMEOUT naming the nodes behind (node names are checked by the store's schema). */
function notAppliedError(w: NodeWait, behind: string[], reports: readonly NodeReport[]): NLBError {
  const why = behind.map((n) => {
    const r = reports.find((x) => x.node === n);
    if (!r) return `${n} never reported`;
    const error = r.error ? `, error ${quoteInput(r.error)}` : '';
    return `${n} at revision ${r.appliedRevision} (last report ${r.updatedAt}${error})`;
  });
  return new NLBError({
    code: 'TIMEOUT',
    driver: DRIVER_NAME,
    operation: w.operation,
    message: `store revision ${w.revision} is not applied on every node after ${w.timeoutMs} ms: ${why.join('; ') || 'no agent reports to this store'}; the change is stored and agents keep trying`,
  });
}

/** The native driver's NLBHandler: its changes also take `wait` ({@link NativeCallOptions}). */
export interface WaitingHandler extends NLBHandler {
  createNLB(req: T.NLBCreateRequest, opts?: NativeCallOptions): Promise<T.NLBInfo>;
  deleteNLB(iid: T.IID, opts?: NativeCallOptions): Promise<boolean>;
  changeListener(iid: T.IID, listener: T.ListenerInfo, opts?: NativeCallOptions): Promise<T.NLBInfo>;
  changeVMGroupInfo(iid: T.IID, vmGroup: T.VMGroupInfo, opts?: NativeCallOptions): Promise<T.NLBInfo>;
  addVMs(iid: T.IID, vms: T.VMGroupMember[], opts?: NativeCallOptions): Promise<T.NLBInfo>;
  removeVMs(iid: T.IID, vms: T.IID[], opts?: NativeCallOptions): Promise<boolean>;
  changeHealthCheckerInfo(
    iid: T.IID,
    healthChecker: T.HealthCheckerInfo,
    opts?: NativeCallOptions,
  ): Promise<T.NLBInfo>;
}

/**
 * Gives the guarded handler's changes the `wait` option: read (and checked) before the change starts,
 * then visible to the backend's after-write step through `current()` for the rest of the call. The
 * guarded handler passes only the signal and progress on, so the option travels in async context.
 */
export function withWaitOption(guarded: NLBHandler): {
  handler: WaitingHandler;
  current(): WaitOption | undefined;
} {
  const calls = new AsyncLocalStorage<WaitOption | undefined>();
  const waiting = <R>(operation: NLBOperation, opts: unknown, run: () => Promise<R>): Promise<R> => {
    let wait: WaitOption | undefined;
    try {
      wait = readWait(opts, operation);
    } catch (e) {
      return Promise.reject(e);
    }
    return calls.run(wait, run);
  };
  // The guarded methods, before they are replaced on the same object.
  const inner = { ...guarded };
  const handler: WaitingHandler = Object.assign(guarded, {
    createNLB: (req: T.NLBCreateRequest, opts?: NativeCallOptions) =>
      waiting('createNLB', opts, () => inner.createNLB(req, opts)),
    deleteNLB: (iid: T.IID, opts?: NativeCallOptions) =>
      waiting('deleteNLB', opts, () => inner.deleteNLB(iid, opts)),
    changeListener: (iid: T.IID, listener: T.ListenerInfo, opts?: NativeCallOptions) =>
      waiting('changeListener', opts, () => inner.changeListener(iid, listener, opts)),
    changeVMGroupInfo: (iid: T.IID, group: T.VMGroupInfo, opts?: NativeCallOptions) =>
      waiting('changeVMGroupInfo', opts, () => inner.changeVMGroupInfo(iid, group, opts)),
    addVMs: (iid: T.IID, vms: T.VMGroupMember[], opts?: NativeCallOptions) =>
      waiting('addVMs', opts, () => inner.addVMs(iid, vms, opts)),
    removeVMs: (iid: T.IID, vms: T.IID[], opts?: NativeCallOptions) =>
      waiting('removeVMs', opts, () => inner.removeVMs(iid, vms, opts)),
    changeHealthCheckerInfo: (iid: T.IID, hc: T.HealthCheckerInfo, opts?: NativeCallOptions) =>
      waiting('changeHealthCheckerInfo', opts, () => inner.changeHealthCheckerInfo(iid, hc, opts)),
  });
  return { handler, current: () => calls.getStore() };
}
