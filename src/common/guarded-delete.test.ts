/** deleteNLB through the guarded handler: leftovers of a name are the backend's to remove, never of a systemId. */
import { describe, expect, it } from 'vitest';
import { mockDefaultCapabilities } from '../drivers/mock/mock-capabilities.js';
import type { DriverBackend } from './driver-backend.js';
import { createGuardedHandler } from './guarded-handler.js';

function handler(leftovers: boolean) {
  const asked: string[] = [];
  const unused = () => Promise.reject(new Error('not used'));
  const backend: DriverBackend = {
    list: async () => [],
    find: async () => undefined,
    create: unused,
    delete: unused,
    changeListener: unused,
    changeVMGroup: unused,
    addVMs: unused,
    removeVMs: unused,
    health: unused,
    changeHealthChecker: unused,
    deleteLeftovers: async (name) => {
      asked.push(name);
      return leftovers;
    },
  };
  return { nlb: createGuardedHandler({ capabilities: mockDefaultCapabilities, backend }), asked };
}

describe('deleteNLB of a name find does not know', () => {
  it('is true when the backend removed leftovers of that name', async () => {
    const { nlb, asked } = handler(true);
    expect(await nlb.deleteNLB({ nameId: 'web' })).toBe(true);
    expect(asked).toEqual(['web']);
  });

  it('is NOT_FOUND when there were none, and leftovers are not looked for by systemId', async () => {
    const none = handler(false);
    await expect(none.nlb.deleteNLB({ nameId: 'web' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const byId = handler(true);
    await expect(byId.nlb.deleteNLB({ nameId: 'web', systemId: 'id-1' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(byId.asked).toEqual([]);
  });
});
