/**
 * Test helper: every string reachable from a value (an error and its cause chain at any depth), for
 * finding planted secrets. It follows own properties, enumerable or not, string and symbol keys,
 * getters (their own and those of non-builtin prototypes, guarded: a throwing getter is skipped),
 * Map and Set entries, array items, buffers (as latin1 text) and errors' `cause`; cycles are visited once.
 */
import { inspect } from 'node:util';

/** Prototypes whose getters are not data of the object (Node's own classes still are walked by fields). */
const BUILTIN_PROTOTYPES = new Set<unknown>([Object.prototype, Function.prototype, Array.prototype, null]);

/** Calls every string reachable from `root` with the path to it; stops after `limit` objects. */
export function walkStrings(
  root: unknown,
  visit: (text: string, path: string) => void,
  limit = 200_000,
): { objects: number; truncated: boolean } {
  const seen = new Set<unknown>();
  const queue: [unknown, string][] = [[root, '(error)']];
  let objects = 0;
  while (queue.length > 0) {
    const [value, path] = queue.shift() as [unknown, string];
    if (typeof value === 'string') {
      visit(value, path);
      continue;
    }
    if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'symbol') {
      visit(String(value), path);
      continue;
    }
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) continue;
    if (seen.has(value)) continue;
    seen.add(value);
    if (++objects > limit) return { objects, truncated: true };
    if (ArrayBuffer.isView(value)) {
      visit(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1'), path);
      continue;
    }
    if (value instanceof Map)
      for (const [k, v] of value) {
        queue.push([k, `${path}.<key>`]);
        queue.push([v, `${path}.get(${String(k)})`]);
      }
    if (value instanceof Set) for (const v of value) queue.push([v, `${path}.<item>`]);
    // Own properties, then accessors of the prototype chain up to the builtins.
    const holders: object[] = [value as object];
    for (
      let proto = Object.getPrototypeOf(value);
      !BUILTIN_PROTOTYPES.has(proto);
      proto = Object.getPrototypeOf(proto)
    )
      holders.push(proto);
    for (const [i, holder] of holders.entries())
      for (const key of Reflect.ownKeys(holder)) {
        const desc = Object.getOwnPropertyDescriptor(holder, key);
        if (!desc) continue;
        const at = `${path}.${String(key)}`;
        if (i === 0) queue.push([key, `${at}<name>`]);
        if ('value' in desc) {
          if (i === 0) queue.push([desc.value, at]);
        } else if (desc.get)
          try {
            queue.push([desc.get.call(value), at]);
          } catch {
            // A getter that throws on this receiver holds nothing we can reach.
          }
      }
  }
  return { objects, truncated: false };
}

/** The planted secrets found in `error`'s graph or in its `util.inspect` (showHidden, any depth). */
export function secretsReachable(error: unknown, secrets: readonly string[]): string[] {
  const found: string[] = [];
  const { truncated } = walkStrings(error, (text, path) => {
    for (const s of secrets) if (text.includes(s)) found.push(`${s} at ${path}`);
  });
  if (truncated) found.push('(the graph was too large to walk completely)');
  const shown = inspect(error, { showHidden: true, depth: Number.POSITIVE_INFINITY });
  for (const s of secrets) if (shown.includes(s)) found.push(`${s} in util.inspect`);
  return found;
}
