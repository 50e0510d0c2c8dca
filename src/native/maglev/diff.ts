/**
 * Slot-level difference between two Maglev tables of the same size, so the data plane rewrites only the
 * map elements that changed instead of reloading the whole map.
 */
import type { MaglevTable } from './table.js';

/** One slot whose backend changed, and the backend it must point to now (null: no backend). */
export interface MaglevSlotChange {
  slot: number;
  backendId: string | null;
}

/**
 * The slots whose backend differs between `a` and `b`, in ascending slot order.
 *
 * Compared by backend id, not by index: indices into `backendIds` shift whenever the backend set
 * changes, so a slot whose index changed may still point at the same backend (and is then not listed).
 * Writing each change's `backendId` into slot `slot` of `a` yields `b`.
 *
 * @throws RangeError when the sizes differ (every slot's meaning changes; rewrite the whole map).
 */
export function diffMaglevTables(a: MaglevTable, b: MaglevTable): MaglevSlotChange[] {
  if (a.size !== b.size) throw new RangeError(`table sizes differ: ${a.size} vs ${b.size}`);
  // Translate a's indices into b's once (-1 when the backend is gone), then compare integers per slot.
  const indexInB = new Map<string, number>(b.backendIds.map((id, i) => [id, i]));
  const aToB = new Int32Array(a.backendIds.length);
  a.backendIds.forEach((id, i) => {
    aToB[i] = indexInB.get(id) ?? -1;
  });

  const changes: MaglevSlotChange[] = [];
  for (let slot = 0; slot < a.size; slot++) {
    const ai = a.slots[slot]!;
    const mapped = ai < 0 ? -1 : aToB[ai]!;
    const bi = b.slots[slot]!;
    // mapped is -1 both for an empty slot in a and for a backend that b no longer has; the integer
    // comparison misses only "gone in b" against "empty in b", which is still a change.
    if (mapped !== bi || (ai >= 0 && mapped < 0)) {
      changes.push({ slot, backendId: bi < 0 ? null : b.backendIds[bi]! });
    }
  }
  return changes;
}
