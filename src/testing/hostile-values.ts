/** Values that fight back, for the hostile-input cases and property tests: getters, proxies. */

/** A copy of `target` whose `key` is a getter that throws `thrown`. */
export function throwingAt<T extends object>(
  target: T,
  key: string | number,
  thrown: unknown = new Error('no'),
): T {
  const copy = (Array.isArray(target) ? [...target] : { ...target }) as T;
  return Object.defineProperty(copy, key, {
    enumerable: true,
    get() {
      throw thrown;
    },
  });
}

/** A proxy that has been revoked: every operation on it throws. */
export function revoked<T>(): T {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy as T;
}

/** A proxy over `target` whose `trap` throws. */
export const trapping = <T extends object>(
  target: T,
  trap: 'get' | 'ownKeys' | 'getOwnPropertyDescriptor',
): T =>
  new Proxy(target, {
    [trap]() {
      throw new Error(`${trap} says no`);
    },
  });

/** A proxy that passes everything through, nested at every level. */
export function transparent<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  const inner = Array.isArray(value)
    ? value.map(transparent)
    : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, transparent(v)]));
  return new Proxy(inner, {}) as T;
}

/** The ways {@link poisoned} makes an object hostile. */
export const POISONS = ['getter', 'revoked', 'get', 'ownKeys', 'getOwnPropertyDescriptor'] as const;
export type Poison = (typeof POISONS)[number];

/**
 * A copy of `input` with one object or array in it (the `pick`th found, the root too) made hostile;
 * `reached` says whether reading the input must trip it (a trap on an empty object never fires).
 * `listsKeys` is false for options, which are read by name rather than by listing their keys.
 */
export function poisoned(
  input: unknown,
  pick: number,
  how: Poison,
  listsKeys = true,
): { value: unknown; reached: boolean } {
  const root = structuredClone(input);
  const spots: [Record<string, unknown> | undefined, string][] = [];
  const visit = (v: unknown, holder: Record<string, unknown> | undefined, key: string) => {
    if (typeof v !== 'object' || v === null) return;
    spots.push([holder, key]);
    for (const [k, child] of Object.entries(v)) visit(child, v as Record<string, unknown>, k);
  };
  visit(root, undefined, '');
  const spot = spots[pick % Math.max(spots.length, 1)];
  if (!spot) return { value: root, reached: false };
  const [holder, key] = spot;
  const target = (holder ? holder[key] : root) as object;
  const harmed =
    how === 'getter'
      ? throwingAt(target, Array.isArray(target) ? 0 : (Object.keys(target)[0] ?? 'x'))
      : how === 'revoked'
        ? revoked()
        : trapping(target, how);
  // Arrays are read by index: only other objects have their keys listed.
  const isArray = Array.isArray(target);
  const hasKeys = Object.keys(target).length > 0;
  const reached =
    how === 'getter' ||
    how === 'revoked' ||
    (how === 'get' ? isArray || hasKeys : listsKeys && !isArray && hasKeys);
  if (!holder) return { value: harmed, reached };
  holder[key] = harmed;
  return { value: root, reached };
}

// Control characters, line and paragraph separators, bidi overrides: none may reach a message.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
export const UNSAFE_IN_MESSAGE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** Longer than any message needs, far shorter than the hostile input. */
export const MESSAGE_LIMIT = 2000;
