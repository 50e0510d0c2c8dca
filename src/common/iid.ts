import type { IID } from '../interfaces/types.js';

/** True when `a` and `b` name the same resource (same nameId; systemIds must agree when both are set). */
export function sameIID(a: IID, b: IID): boolean {
  if (a.nameId !== b.nameId) return false;
  return a.systemId === undefined || b.systemId === undefined || a.systemId === b.systemId;
}

/** Sorts IIDs by nameId, for stable output. */
export const byNameId = (a: IID, b: IID): number => (a.nameId < b.nameId ? -1 : a.nameId > b.nameId ? 1 : 0);
