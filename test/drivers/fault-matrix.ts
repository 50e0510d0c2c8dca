/**
 * One fault matrix for every cloud driver. A clean run of an operation is recorded; each provider call
 * it made becomes a step, and each step, in each way the cloud can fail it (a mode), gets a case that
 * fails it there and checks that the error is a typed `NLBError` and the cloud is exactly as before.
 * All cases of a file share one world (`useSharedWorld`), reset before each case.
 */
import { describe, expect, it } from 'vitest';
import { isNLBError } from '../../src/interfaces/errors.js';
import type { NLBHandler } from '../../src/interfaces/handler.js';
import type { IID } from '../../src/interfaces/types.js';
import type { FaultStep } from './fault-steps.js';

/** Where a recording starts and what it recorded: the provider calls made since, as steps. */
export interface StepRecorder<W, S extends FaultStep> {
  /** How many calls the world has recorded so far. */
  count(w: W): number;
  /** The calls recorded after the first `from`, as steps. */
  since(w: W, from: number): S[];
}

/** How the operation ended: its value, or the error it threw. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** What a case's check sees. */
export interface FaultCase<W, S, C, P> {
  world: W;
  step: S;
  mode: string;
  /** What `prepare` returned. */
  prepared: P;
  outcome: Outcome;
  /** The cloud after `prepare`, before the failure. */
  before: C;
  /** The cloud after the clean run. */
  clean: C;
}

/** One operation's matrix. */
export interface FaultMatrix<W, S extends FaultStep, C, P> {
  /** The `describe` title, e.g. `createNLB fault injection`. */
  title: string;
  /** The file's world (from `useSharedWorld`). */
  world: () => Promise<W>;
  /** How the world's calls become steps. */
  steps: StepRecorder<W, S>;
  /** What exists before the operation; default nothing. Its result goes to `run`. */
  prepare?: (w: W) => Promise<P>;
  /** The operation. */
  run: (w: W, prepared: P) => Promise<unknown>;
  /** The ways a step can fail (named in the case title); default one, unnamed. */
  modes?: (step: S) => readonly string[];
  /** Makes `step` fail in `mode` when the operation reaches it. */
  inject: (w: W, step: S, mode: string) => void;
  /** The cloud as the checks compare it; comparable across resets (names, not ids). */
  cloud: (w: W) => Promise<C>;
  /** The `NLBError` code a failure in `mode` must end in. */
  code: (mode: string) => string;
  /**
   * Steps the driver repeats when they fail (status polls, operation waits): the operation may then
   * succeed, and must leave the cloud as the clean run did. Default none.
   */
  repeated?: (step: S) => boolean;
  /** What of the cloud such a success must share with the clean run (not what depends on the clock); default all. */
  likeClean?: (cloud: C) => unknown;
  /** Assertions on the recorded steps (which writes, in which order); the matrix asserts there are some. */
  expectSteps?: (steps: S[]) => void;
  /** What a case checks, instead of "typed error, the cloud as before" ({@link expectUnchanged}). */
  check?: (c: FaultCase<W, S, C, P>, m: MatrixExpectations<W, S, C>) => Promise<void>;
  /** Further checks after the default one (it runs first). */
  after?: (c: FaultCase<W, S, C, P>) => Promise<void>;
  /** The end of each case title; default `leaves the cloud as it was`. */
  leaves?: string;
}

/** The parts of a matrix its checks use. */
export type MatrixExpectations<W, S extends FaultStep, C> = Pick<
  FaultMatrix<W, S, C, unknown>,
  'cloud' | 'code' | 'repeated' | 'likeClean'
>;

/** The code of the `NLBError` the operation threw, or false (it succeeded, or threw something else). */
const codeOf = (o: Outcome) => !o.ok && isNLBError(o.error) && o.error.code;

/** The default check: a typed error and the cloud as before, or for a repeated step a clean success. */
export async function expectUnchanged<W, S extends FaultStep, C, P>(
  c: FaultCase<W, S, C, P>,
  m: MatrixExpectations<W, S, C>,
): Promise<void> {
  const now = await m.cloud(c.world);
  if (c.outcome.ok && m.repeated?.(c.step)) {
    const like = m.likeClean ?? ((x: C) => x);
    expect(like(now)).toEqual(like(c.clean));
    return;
  }
  expect(codeOf(c.outcome)).toBe(m.code(c.mode));
  expect(now).toEqual(c.before);
}

/**
 * The check for deleteNLB, which ends whole or not at all: it returned true, or failed with a typed
 * error and a second delete returns true; either way the cloud ends as the clean run left it.
 * `failed` runs after a failure, before the second delete (to look at what is left, or clear faults).
 */
export function expectDeleteFinishes<W extends { driver: NLBHandler }, S extends FaultStep, C, P = unknown>(
  iid: IID,
  failed?: (c: FaultCase<W, S, C, P>) => Promise<void> | void,
) {
  return async (c: FaultCase<W, S, C, P>, m: MatrixExpectations<W, S, C>): Promise<void> => {
    if (!(c.outcome.ok && c.outcome.value === true)) {
      expect(codeOf(c.outcome)).toBe(m.code(c.mode));
      await failed?.(c);
      expect(await c.world.driver.deleteNLB(iid)).toBe(true);
    }
    expect(await m.cloud(c.world)).toEqual(c.clean);
  };
}

/**
 * Registers the matrix: records the steps of a clean run (at collection, on the shared world), then a
 * case per step and mode.
 */
export function describeFaultMatrix<W, S extends FaultStep, C, P = undefined>(
  m: FaultMatrix<W, S, C, P>,
): void {
  const prepare = m.prepare ?? (async () => undefined as P);
  describe(m.title, async () => {
    const w = await m.world();
    const prepared = await prepare(w);
    // As a case does: reading the cloud first may make calls (a token) the operation then needs not.
    await m.cloud(w);
    const from = m.steps.count(w);
    await m.run(w, prepared);
    const steps = m.steps.since(w, from);
    const clean = await m.cloud(w);

    it('records the expected steps', () => {
      expect(steps.length).toBeGreaterThan(0);
      m.expectSteps?.(steps);
    });

    for (const step of steps)
      for (const mode of m.modes?.(step) ?? [''])
        it(`a failure at ${step.label}${mode ? ` (${mode})` : ''} ${m.leaves ?? 'leaves the cloud as it was'}`, async () => {
          const world = await m.world();
          const p = await prepare(world);
          const before = await m.cloud(world);
          m.inject(world, step, mode);
          const outcome: Outcome = await m.run(world, p).then(
            (value) => ({ ok: true, value }),
            (error: unknown) => ({ ok: false, error }),
          );
          const c = { world, step, mode, prepared: p, outcome, before, clean };
          await (m.check ?? expectUnchanged)(c, m);
          await m.after?.(c);
        });
  });
}
