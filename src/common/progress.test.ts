/** onProgress through the guarded handler: stamped, in order, never able to fail or change an operation. */
import { describe, expect, it } from 'vitest';
import { createMockBackend } from '../drivers/mock/mock-backend.js';
import { mockDefaultCapabilities } from '../drivers/mock/mock-capabilities.js';
import type { NLBCreateRequest, ProgressEvent } from '../interfaces/types.js';
import { createGuardedHandler } from './guarded-handler.js';

/** The mock backend, whose create tells two steps around the real work. */
function handler() {
  let id = 0;
  const { backend, nlbs } = createMockBackend({
    clock: () => new Date(0),
    newId: (kind) => `${kind}-${++id}`,
    vms: new Map([['vm1', {}]]),
    health: new Map(),
    initialHealth: 'HEALTHY',
  });
  const calls: string[] = [];
  const nlb = createGuardedHandler({
    capabilities: mockDefaultCapabilities,
    backend: {
      ...backend,
      create: async (req, ctx) => {
        calls.push('create');
        ctx.progress('make-thing', `making ${req.iid.nameId}`);
        const made = await backend.create(req, ctx);
        ctx.progress('done');
        return made;
      },
    },
  });
  return { nlb, nlbs, calls };
}

const request: NLBCreateRequest = {
  iid: { nameId: 'web' },
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm1' }] },
  healthChecker: { protocol: 'TCP' },
};

describe('onProgress', () => {
  it("tells the backend's steps in order, stamped with the operation and the time since it began", async () => {
    const { nlb } = handler();
    const events: ProgressEvent[] = [];
    await nlb.createNLB(request, { onProgress: (e) => events.push(e) });
    expect(events.map(({ elapsedMs, ...rest }) => rest)).toEqual([
      { operation: 'createNLB', step: 'make-thing', detail: 'making web' },
      { operation: 'createNLB', step: 'done' },
    ]);
    for (const e of events) expect(Number.isInteger(e.elapsedMs) && e.elapsedMs >= 0).toBe(true);
    expect(events[1]?.elapsedMs).toBeGreaterThanOrEqual(events[0]?.elapsedMs ?? 0);
  });

  it('that throws, or returns a promise that rejects, changes nothing about the operation', async () => {
    const quiet = handler();
    const expected = await quiet.nlb.createNLB(request);
    const broken: Array<(e: ProgressEvent) => unknown> = [
      () => {
        throw new Error('display broke');
      },
      async () => {
        throw new Error('async display broke');
      },
    ];
    for (const onProgress of broken) {
      const loud = handler();
      let told = 0;
      const created = await loud.nlb.createNLB(request, {
        onProgress: (e) => {
          told++;
          // A callback typed to return void may still return a promise (an async function).
          return onProgress(e) as undefined;
        },
      });
      expect(told).toBe(2);
      expect(created).toEqual(expected);
      expect([...loud.nlbs.values()]).toEqual([...quiet.nlbs.values()]);
    }
  });

  it('that is not a function, or cannot be read, is INVALID_ARGUMENT before anything is done', async () => {
    const trap = new Proxy(
      {},
      {
        get: (_t, key) => {
          if (key === 'onProgress') throw new Error('trap');
          return undefined;
        },
      },
    );
    for (const opts of [{ onProgress: 'log' }, { onProgress: {} }, trap]) {
      const { nlb, nlbs, calls } = handler();
      const error = await nlb.createNLB(request, opts as never).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'INVALID_ARGUMENT',
        violations: [{ path: 'opts.onProgress', code: 'INVALID_ARGUMENT' }],
      });
      expect(calls).toEqual([]);
      expect(nlbs.size).toBe(0);
    }
  });

  it('is optional: undefined, or no options at all, report to no one', async () => {
    const { nlb } = handler();
    await expect(nlb.createNLB(request, { onProgress: undefined })).resolves.toMatchObject({
      iid: { nameId: 'web' },
    });
    await expect(nlb.getNLB({ nameId: 'web' })).resolves.toMatchObject({ iid: { nameId: 'web' } });
  });
});
