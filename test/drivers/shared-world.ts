/**
 * Worlds a test file can share: one fake server for all its cases, brought back to how it started
 * between them (a server per case made the fault matrices slow).
 */
import { afterAll } from 'vitest';

/** A world that `reset` brings back to how it started. */
export interface ResettableWorld {
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** A fake that `reset` empties (its server kept). */
interface ResettableFake {
  reset(): void;
  close(): Promise<void>;
}

/**
 * A world on `fake`: `seed` fills the fake (networks, VMs) and makes a driver; `reset` empties the
 * fake and seeds it again, so every field `seed` returns is new after a reset.
 */
export function resettableWorld<F extends ResettableFake, T extends object>(
  fake: F,
  seed: (fake: F) => T,
): T & ResettableWorld & { fake: F } {
  const world = {
    fake,
    ...seed(fake),
    reset: async () => {
      fake.reset();
      Object.assign(world, seed(fake));
    },
    close: () => fake.close(),
  };
  return world;
}

/**
 * One world for the calling file: started on the first call, reset on every later one, closed after
 * the file. Call at the top of a test file; each case (and each recording) calls the result first.
 */
export function useSharedWorld<W extends ResettableWorld>(start: () => Promise<W>): () => Promise<W> {
  let started: Promise<W> | undefined;
  afterAll(() => started?.then((w) => w.close()));
  return async () => {
    if (!started) {
      started = start();
      return started;
    }
    const w = await started;
    await w.reset();
    return w;
  };
}
