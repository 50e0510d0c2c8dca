/** Maps over items a few at a time, keeping their order (reading many NLBs without flooding an API). */
import pLimit from 'p-limit';

/** How many reads a driver's listNLB runs at once: faster than one by one, gentle on rate limits. */
export const LIST_CONCURRENCY = 4;

/** `Promise.all(items.map(fn))`, at most `limit` at a time; the first rejection rejects. */
export function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const run = pLimit(limit);
  return Promise.all(items.map((item) => run(() => fn(item))));
}
