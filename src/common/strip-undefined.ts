/**
 * A copy of `o` without its `undefined` entries, so that spreading it over defaults keeps the defaults:
 * public options accept an explicit `undefined` (for `exactOptionalPropertyTypes` users) and it must
 * mean the same as leaving the option out.
 */
export const stripUndefined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
