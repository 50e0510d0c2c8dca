/** A StateStore held in this process's memory: for tests, the demo, and single-process embedding. */

import { NLBError } from '../../interfaces/errors.js';
import { applyDelete, applyPut, emptyDocument, type StateDocument, toSnapshot } from './state-document.js';
import { NODE_NAME_PATTERN } from './store-schema.js';
import type { NodeReport, StateStore } from './types.js';

/**
 * Creates an in-memory store. Watchers are called on a later microtask after each change.
 *
 * @example
 * const store = createMemoryStore();
 * const driver = createNativeDriver({ store, vipPool: { ranges: ['10.99.0.0/24'] }, vmInventory: {...} });
 */
export function createMemoryStore(): StateStore {
  let doc: StateDocument = emptyDocument();
  const reports = new Map<string, NodeReport>();
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of [...listeners]) queueMicrotask(l);
  };

  return {
    description: 'memory',
    get: async (name) => {
      const found = doc.records[name];
      return found ? structuredClone(found) : undefined;
    },
    list: async () => toSnapshot(doc),
    put: async (record, opts) => {
      doc = applyPut(doc, record, opts);
      notify();
      return doc.revision;
    },
    delete: async (name, opts) => {
      const before = doc;
      doc = applyDelete(doc, name, opts);
      if (doc === before) return false;
      notify();
      return true;
    },
    revision: async () => doc.revision,
    watch: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    putNodeReport: async (report) => {
      if (!NODE_NAME_PATTERN.test(report.node))
        throw new NLBError({
          code: 'INVALID_ARGUMENT',
          driver: 'native',
          operation: 'store',
          message: `node name '${report.node}' must be 1-63 letters, digits, '.', '_' or '-'`,
        });
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
