/**
 * A value built once on first use (a driver's SDK clients): concurrent callers share the one attempt,
 * and a failed attempt is forgotten, so a later call tries again (e.g. after a package is installed
 * or credentials appear).
 *
 * @example
 * const client = retryingOnce(async () => ({ connectedAt: Date.now() }));
 * const [a, b] = await Promise.all([client(), client()]);
 * console.log(a === b); // true: one attempt, shared
 */
export function retryingOnce<A extends unknown[], T>(
  build: (...args: A) => Promise<T>,
): (...args: A) => Promise<T> {
  let ready: Promise<T> | undefined;
  return (...args) => {
    if (!ready) {
      const attempt = build(...args);
      attempt.catch(() => {
        if (ready === attempt) ready = undefined;
      });
      ready = attempt;
    }
    return ready;
  };
}
