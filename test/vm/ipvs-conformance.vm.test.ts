/**
 * The shared conformance suite against the native driver on the IPVS data plane, in the VM (this
 * machine's kernel has no IPVS): the guest runs test/vm/guests/ under vitest and reports the counts.
 */
import { describe, expect, it } from 'vitest';
import { conformanceCases } from '../../src/testing/cases.js';
import { adoptionCases } from '../../src/testing/cases-adoption.js';
import { runGuest, vmPrepared } from './run-guest.js';

const prepared = vmPrepared();

describe.runIf(prepared)('NLBHandler conformance: native on IPVS (VM)', () => {
  it('passes every case', async () => {
    const { result, output } = await runGuest('test/vm/ipvs-conformance-guest.ts');
    expect(result, output.slice(-3000)).toBeDefined();
    const r = result!;
    expect(r.error, String(r.error)).toBeUndefined();
    expect(r.failures).toEqual([]);
    // Only the adoption cases skip: the native driver adopts nothing (capabilities.adoption is false).
    const skipped = (r.skipped as string[]).map((n) => n.replace(/^.*\(IPVS in a netns\) /, ''));
    expect(skipped.sort()).toEqual(adoptionCases.map((c) => c.name).sort());
    expect(r.passed).toBe(conformanceCases.length - adoptionCases.length);
    expect(r.exit).toBe(0);
  }, 900_000);
});
