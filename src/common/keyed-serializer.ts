/**
 * Runs tasks one at a time per key (e.g. per NLB name) while different keys run in parallel.
 * Keys with nothing queued are forgotten, so memory stays bounded by the work in flight.
 */
/**
 * Runs tasks one at a time per key; the guarded handler keeps one, keyed by NLB name.
 *
 * @example
 * const locks = new KeyedSerializer();
 * const order: string[] = [];
 * await Promise.all([
 *   locks.run('web', async () => void order.push('first')),
 *   locks.run('web', async () => void order.push('second')),
 * ]);
 * console.log(order); // ['first', 'second']: the same key waits; another key would not
 */
export class KeyedSerializer {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every earlier task with the same key has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** How many keys have work queued or running. */
  get activeKeys(): number {
    return this.#tails.size;
  }
}
