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

// Control characters, line and paragraph separators, bidi overrides: none may reach a message.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
export const UNSAFE_IN_MESSAGE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** Longer than any message needs, far shorter than the hostile input. */
export const MESSAGE_LIMIT = 2000;
