/** Registers the conformance cases with vitest (an optional peer dependency of nlbkit/testing). */
import { afterEach, describe, it } from 'vitest';
import { type ConformanceCase, conformanceCases } from './cases.js';
import { type PeerWorld, peerCases } from './peer-cases.js';
import type { ConformanceWorld, MakeWorld } from './world.js';

/** Options of {@link nlbHandlerConformance}. */
export interface ConformanceOptions {
  /** Per-case timeout in ms. Default 60,000 (cloud fakes with waiters, namespaces). */
  timeoutMs?: number | undefined;
  /** Run only cases whose names include one of these strings (for debugging a driver). */
  only?: string[] | undefined;
}

/**
 * Registers the nlbkit conformance suite for a driver: every case runs against a fresh world from
 * `makeWorld`, through the driver's real code path. A case the driver's capabilities make moot is
 * reported as skipped; nothing else can be skipped.
 *
 * @example
 * const vms = { vm1: {}, vm2: {}, vm3: {}, vm4: {} };
 * nlbHandlerConformance('mock', async () => ({
 *   driver: createMockDriver({ vms }),
 *   vms: Object.keys(vms).map((nameId) => ({ nameId })),
 * }));
 */
export function nlbHandlerConformance(
  name: string,
  makeWorld: MakeWorld,
  options: ConformanceOptions = {},
): void {
  const cases = options.only
    ? conformanceCases.filter((c) => options.only?.some((o) => c.name.includes(o)))
    : conformanceCases;
  describe(`NLBHandler conformance: ${name}`, () => {
    let world: ConformanceWorld | undefined;
    afterEach(async () => {
      await world?.cleanup?.();
      world = undefined;
    });
    for (const c of cases) {
      it(
        c.name,
        async (ctx) => {
          world = await makeWorld();
          check4VMs(world, c);
          if ((await c.run(world)) === 'skipped') ctx.skip();
        },
        options.timeoutMs ?? 60_000,
      );
    }
  });
}

function check4VMs(world: ConformanceWorld, c: ConformanceCase) {
  if (world.vms.length < 4) throw new Error(`conformance case '${c.name}' needs at least 4 VMs in the world`);
}

/**
 * Registers the peer cases: two handlers over one provider (`makeWorld` returns a `peer` too), as two
 * processes of a broker hold them. For drivers whose state lives with the provider (clouds, a shared
 * native store); the mock keeps state in its instance and has no peer.
 */
export function nlbHandlerPeerConformance(
  name: string,
  makeWorld: () => Promise<PeerWorld>,
  options: Pick<ConformanceOptions, 'timeoutMs'> = {},
): void {
  describe(`NLBHandler peer conformance: ${name}`, () => {
    let world: PeerWorld | undefined;
    afterEach(async () => {
      await world?.cleanup?.();
      world = undefined;
    });
    for (const c of peerCases)
      it(
        c.name,
        async () => {
          world = await makeWorld();
          if (world.vms.length < 4)
            throw new Error(`peer case '${c.name}' needs at least 4 VMs in the world`);
          await c.run(world);
        },
        options.timeoutMs ?? 60_000,
      );
  });
}
