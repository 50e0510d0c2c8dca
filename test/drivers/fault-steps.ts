/**
 * Fault injection at every call: a clean run's recorded calls become steps (method, a pattern for the
 * path with ids as wildcards, which occurrence), so a call added to a driver is covered without
 * editing the tests. Shared by the OpenStack and Azure fault tests.
 */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** A path with its ids as `{id}`. */
export const idsAsWildcards = (path: string) => path.replace(UUID, '{id}');

/** One call of a clean run, as a place to inject a failure. */
export interface FaultStep {
  /** `METHOD shape #n`. */
  label: string;
  method: string;
  /** The path with ids as `{id}`. */
  shape: string;
  /** Matches the path of this call (ids as wildcards). */
  path: RegExp;
  /** How many earlier calls of this method and shape to let through. */
  skip: number;
}

/** The steps of calls given by method and path shape (ids already `{id}`). */
export function faultSteps(calls: readonly { method: string; shape: string }[]): FaultStep[] {
  const seen = new Map<string, number>();
  return calls.map(({ method, shape }) => {
    const key = `${method} ${shape}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const source = shape.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{id\\\}/g, '[^/]+');
    return { label: `${key} #${n + 1}`, method, shape, path: new RegExp(`^${source}$`), skip: n };
  });
}
