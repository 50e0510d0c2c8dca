/** A StateStore held in this process's memory: for tests, the demo, and single-process embedding. */

import { createMemoryLeases } from './memory-leases.js';
import {
  applyDelete,
  applyPut,
  emptyDocument,
  getRecord,
  type StateDocument,
  toSnapshot,
} from './state-document.js';
import { checkNodeName } from './store-schema.js';
import type { NodeReport, StateStore } from './types.js';

/**
 * Creates an in-memory store. Watchers are called on a later microtask after each change.
 *
 * @example
 * const store = createMemoryStore();
 * const driver = createNativeDriver({ store, vipPool: { ranges: ['10.99.0.0/24'] },
 *   vmInventory: { web1: { ipv4: '10.0.0.11' } } });
 */
export function createMemoryStore(): StateStore {
  const doc: StateDocument = emptyDocument();
  const reports = new Map<string, NodeReport>();
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of [...listeners]) queueMicrotask(l);
  };

  return {
    description: 'memory',
    // Exists from the start: there is nothing to lose or mistype.
    create: async () => false,
    get: async (name) => getRecord(doc, name),
    list: async () => toSnapshot(doc),
    put: async (record, opts) => {
      const revision = applyPut(doc, record, opts);
      notify();
      return revision;
    },
    delete: async (name, opts) => {
      if (!applyDelete(doc, name, opts)) return false;
      notify();
      return true;
    },
    revision: async () => doc.revision,
    watch: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    leases: createMemoryLeases(),
    putNodeReport: async (report) => {
      checkNodeName(report.node);
      reports.set(report.node, structuredClone(report));
      notify();
    },
    listNodeReports: async () =>
      [...reports.keys()].sort().map((k) => structuredClone(reports.get(k) as NodeReport)),
    close: async () => {
      listeners.clear();
    },
  };
}
