/** The in-memory leases against the shared lease contract, with a clock the test moves. */
import { describeLeaseContract } from '../../../test/native/lease-contract.js';
import { createMemoryLeases } from './memory-leases.js';

describeLeaseContract('memory', async () => {
  let now = 0;
  return {
    leases: createMemoryLeases(() => now),
    pass: async (ms) => {
      now += ms;
    },
  };
});
