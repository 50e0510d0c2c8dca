/**
 * A binary min-heap ordered by `at`, then `seq` when given (so equal times pop in insertion order):
 * the scheduler's sorted schedule, O(log n) per push/pop.
 */
export class MinHeap<T extends { at: number; seq?: number }> {
  #items: T[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  push(item: T): void {
    const a = this.#items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(item, a[p] as T)) break;
      a[i] = a[p] as T;
      i = p;
    }
    a[i] = item;
  }

  pop(): T | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const r = l + 1;
      const c = r < a.length && before(a[r] as T, a[l] as T) ? r : l;
      if (!before(a[c] as T, last)) break;
      a[i] = a[c] as T;
      i = c;
    }
    a[i] = last;
    return top;
  }

  clear(): void {
    this.#items = [];
  }
}

function before(a: { at: number; seq?: number }, b: { at: number; seq?: number }): boolean {
  return a.at < b.at || (a.at === b.at && (a.seq ?? 0) < (b.seq ?? 0));
}
