/**
 * Reads a caller's input once, into plain data, before the schemas see it. Input is data: objects are
 * read by their own enumerable string keys and arrays by index, as `JSON.stringify` and spread do. So a
 * getter that throws or a Proxy trap that throws (a revoked proxy too) becomes a violation naming where
 * it happened, instead of an Error escaping the driver; and validation then runs on plain copies that
 * cannot change under it or run the caller's code again. A well-behaved Proxy reads like its target.
 */
import type { Violation } from './errors.js';
import { joinPath } from './input-text.js';

/** Deeper than any input nlbkit accepts (the deepest is `vmGroup.vms[0].nameId`, 4 levels). */
export const MAX_INPUT_DEPTH = 8;
/** Far more values than any input nlbkit accepts (1000 VMs of 3 fields), so reading stays bounded. */
export const MAX_INPUT_VALUES = 100_000;

/** What {@link readInput} gives: the plain copy, or the one violation that stopped it. */
export type ReadInputResult = { ok: true; value: unknown } | { ok: false; violation: Violation };

class Unreadable {
  constructor(readonly violation: Violation) {}
}

const stop = (path: string, message: string): never => {
  throw new Unreadable({ path, message, code: 'INVALID_ARGUMENT' });
};

/** Runs one read of the caller's object; anything it throws becomes a violation at `path`. */
function guarded<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch {
    return stop(path, 'could not be read (a getter or proxy trap threw)');
  }
}

/**
 * Copies `input` into plain objects (without prototype, so a key `__proto__` is just a key) and arrays,
 * reading every property once; `root` prefixes the paths of violations (e.g. `listener`).
 */
export function readInput(input: unknown, root = ''): ReadInputResult {
  let budget = MAX_INPUT_VALUES;
  const read = (value: unknown, path: string, depth: number): unknown => {
    budget -= 1;
    if (budget < 0) stop(path, `makes the input too large (more than ${MAX_INPUT_VALUES} values)`);
    if (typeof value === 'function') stop(path, 'must be data, not a function');
    if (typeof value !== 'object' || value === null) return value;
    if (depth >= MAX_INPUT_DEPTH) stop(path, `is nested too deeply (more than ${MAX_INPUT_DEPTH} levels)`);
    if (guarded(path, () => Array.isArray(value))) {
      const list = value as unknown[];
      const length = guarded(path, () => list.length);
      if (!Number.isSafeInteger(length) || length < 0) stop(path, 'is an array with an invalid length');
      const out: unknown[] = [];
      for (let i = 0; i < length; i += 1) {
        const at = joinPath(path, i);
        out.push(
          read(
            guarded(at, () => list[i]),
            at,
            depth + 1,
          ),
        );
      }
      return out;
    }
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = Object.create(null);
    for (const key of guarded(path, () => Object.keys(record))) {
      const at = joinPath(path, key);
      out[key] = read(
        guarded(at, () => record[key]),
        at,
        depth + 1,
      );
    }
    return out;
  };
  try {
    return { ok: true, value: read(input, root, 0) };
  } catch (e) {
    if (e instanceof Unreadable) return { ok: false, violation: e.violation };
    throw e;
  }
}
