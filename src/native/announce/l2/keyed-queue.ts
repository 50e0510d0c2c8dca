/** Work run one at a time per key (a VIP), so a removal and a refresh of one address never overtake each other. */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `work` after everything queued before it under `key` has finished (failed or not). */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const p = (this.#tails.get(key) ?? Promise.resolve()).then(work, work);
    this.#tails.set(
      key,
      p.catch(() => undefined),
    );
    return p;
  }

  /** Resolves when everything queued so far has finished. */
  async settle(): Promise<void> {
    await Promise.all(this.#tails.values());
  }
}
