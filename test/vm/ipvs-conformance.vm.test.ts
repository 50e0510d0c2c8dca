/**
 * The shared conformance suite against the native driver on the IPVS data plane, in the VM (this
 * machine's kernel has no IPVS): the guest runs test/vm/guests/ under vitest and reports the counts.
 */
import { describe, expect, it } from 'vitest';
import { conformanceCases } from '../../src/testing/cases.js';
import { runGuest, vmPrepared } from './run-guest.js';

const prepared = vmPrepared();

describe.runIf(prepared)('NLBHandler conformance: native on IPVS (VM)', () => {
  it('passes every case', async () => {
    const { result, output } = await runGuest('test/vm/ipvs-conformance-guest.ts');
    expect(result, output.slice(-3000)).toBeDefined();
    const r = result!;
    expect(r.error, String(r.error)).toBeUndefined();
    expect(r.failures).toEqual([]);
    expect(r.skipped).toEqual([]);
    expect(r.passed).toBe(conformanceCases.length);
    expect(r.exit).toBe(0);
  }, 900_000);
});
