import { describe, expect, it } from 'vitest';
import { createMockDriver } from '../../src/drivers/mock/index.js';
import type { NLBHandler } from '../../src/interfaces/index.js';
import {
  type ConformanceCase,
  ConformanceFailure,
  conformanceCases,
  peerCases,
} from '../../src/testing/index.js';
import {
  echoingDriver,
  ignoresRemoveDriver,
  leakyDriver,
  lossyPeers,
  rawReadDriver,
  stickyHashDriver,
  unvalidatedDriver,
  VMS,
} from './broken-drivers.js';

const world = (driver: NLBHandler) => ({ driver, vms: VMS.map((nameId) => ({ nameId })) });
const byName = (fragment: string): ConformanceCase => {
  const found = conformanceCases.find((c) => c.name.includes(fragment));
  if (!found) throw new Error(`no conformance case named like '${fragment}'`);
  return found;
};

/** Runs every case against the driver; returns the names of the cases that failed. */
async function failingCases(make: () => NLBHandler): Promise<string[]> {
  const failed: string[] = [];
  for (const c of conformanceCases) {
    try {
      await c.run(world(make()));
    } catch (e) {
      expect(e).toBeInstanceOf(ConformanceFailure);
      failed.push(c.name);
    }
  }
  return failed;
}

describe('the conformance suite has teeth', () => {
  it('catches a driver that leaks its internal state', async () => {
    await expect(byName('returned objects are copies').run(world(leakyDriver()))).rejects.toThrow(
      ConformanceFailure,
    );
  });

  it('catches a driver that skips validation', async () => {
    await expect(byName('invalid input').run(world(unvalidatedDriver()))).rejects.toThrow(/port 0/);
  });

  it('catches a driver that ignores removeVMs', async () => {
    await expect(byName('addVMs and removeVMs').run(world(ignoresRemoveDriver()))).rejects.toThrow(
      ConformanceFailure,
    );
  });

  it('catches a driver that reads input before validating it', async () => {
    await expect(byName('throwing getter').run(world(rawReadDriver()))).rejects.toThrow(/non-NLBError/);
  });

  it('catches a driver whose messages echo raw input', async () => {
    await expect(byName('unknown fields are named').run(world(echoingDriver()))).rejects.toThrow(
      /control character|characters/,
    );
  });

  it('catches a driver whose hash fields depend on history', async () => {
    await expect(byName('without hashFields').run(world(stickyHashDriver()))).rejects.toThrow(
      /without hashFields/,
    );
  });

  it('fails each broken driver where it is broken, and never in the CRUD round-trip it does keep', async () => {
    const crud = byName('round-trip').name;
    for (const [make, broken] of [
      [leakyDriver, 'returned objects are copies'],
      [ignoresRemoveDriver, 'addVMs and removeVMs'],
      [unvalidatedDriver, 'invalid input'],
    ] as const) {
      const failed = await failingCases(make);
      expect(failed).toContain(byName(broken).name);
      expect(failed).not.toContain(crud);
    }
  });

  it('catches peers that do not share state, and peers whose concurrent addVMs lose one another', async () => {
    const peerCase = (fragment: string) =>
      peerCases.find((c) => c.name.includes(fragment)) as (typeof peerCases)[number];
    const vms = VMS.map((nameId) => ({ nameId }));
    const mockVms = Object.fromEntries(VMS.map((name) => [name, {}]));
    const separate = {
      driver: createMockDriver({ vms: mockVms }),
      peer: createMockDriver({ vms: mockVms }),
      vms,
    };
    await expect(peerCase('the other reads').run(separate)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(peerCase('every VM lands').run({ ...lossyPeers(), vms })).rejects.toThrow(/all four VMs/);
  });
});
