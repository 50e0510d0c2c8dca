import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffMaglevTables } from './diff.js';
import { buildMaglevTable, type MaglevTable } from './table.js';

function idsBySlot(t: MaglevTable): (string | null)[] {
  return Array.from(t.slots, (i) => (i < 0 ? null : t.backendIds[i]!));
}

const POOL = Array.from({ length: 12 }, (_, i) => `vm-${i}`);

/** Two backend sets over a shared pool of ids (so they overlap, differ, or are empty). */
const twoSets = fc
  .tuple(fc.subarray(POOL), fc.subarray(POOL), fc.func(fc.integer({ min: 1, max: 4 })))
  .map(
    ([a, b, w]) => [a.map((id) => ({ id, weight: w(id) })), b.map((id) => ({ id, weight: w(id) }))] as const,
  );

describe('diffMaglevTables', () => {
  it('applying the diff to a gives b, and every listed slot really changed', () => {
    fc.assert(
      fc.property(twoSets, fc.constantFrom(251, 1201), ([setA, setB], size) => {
        const a = buildMaglevTable(setA, size);
        const b = buildMaglevTable(setB, size);
        const changes = diffMaglevTables(a, b);
        const before = idsBySlot(a);
        const applied = [...before];
        for (const { slot, backendId } of changes) {
          expect(before[slot]).not.toBe(backendId);
          applied[slot] = backendId;
        }
        expect(applied).toEqual(idsBySlot(b));
        // Ascending and without repeats, so the data plane can stream it.
        expect(changes.every((c, i) => i === 0 || c.slot > changes[i - 1]!.slot)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('compares by id: a slot whose index shifted but whose backend stayed is not listed', () => {
    // Adding "vm-0" shifts every other backend's index by one; most slots keep their backend.
    const a = buildMaglevTable([{ id: 'vm-1' }, { id: 'vm-2' }, { id: 'vm-3' }], 251);
    const b = buildMaglevTable([{ id: 'vm-0' }, { id: 'vm-1' }, { id: 'vm-2' }, { id: 'vm-3' }], 251);
    const changes = diffMaglevTables(a, b);
    let indexChanged = 0;
    for (let s = 0; s < 251; s++) if (a.slots[s] !== b.slots[s]) indexChanged++;
    expect(changes.length).toBeLessThan(indexChanged);
    expect(changes.filter((c) => c.backendId === 'vm-0').length).toBeGreaterThanOrEqual(62);
  });

  it('is empty for equal tables and lists every slot (as null) when all backends go', () => {
    const a = buildMaglevTable([{ id: 'x' }, { id: 'y' }], 251);
    expect(diffMaglevTables(a, buildMaglevTable([{ id: 'y' }, { id: 'x' }], 251))).toEqual([]);
    const gone = diffMaglevTables(a, buildMaglevTable([], 251));
    expect(gone.length).toBe(251);
    expect(gone.every((c) => c.backendId === null)).toBe(true);
  });

  it('rejects tables of different sizes', () => {
    expect(() => diffMaglevTables(buildMaglevTable([], 251), buildMaglevTable([], 257))).toThrow(RangeError);
  });
});
