/** The StateStore contract, run against every store implementation (memory, file, PostgreSQL). */
import { describe, expect, it } from 'vitest';
import { NLB_NAME_PATTERN } from '../../src/interfaces/schemas.js';
import { isStoreRevisionConflict } from '../../src/native/store/state-document.js';
import { isStoreMissing } from '../../src/native/store/store-errors.js';
import type { NodeReport, StateStore } from '../../src/native/store/types.js';
import { PROTOTYPE_NAMES as ALL_PROTOTYPE_NAMES } from '../../src/testing/cases-names.js';
import { makeRecord } from './store-record.js';

export const report = (node: string, appliedRevision: number): NodeReport => ({
  node,
  appliedRevision,
  attemptedRevision: appliedRevision,
  updatedAt: new Date(0).toISOString(),
  vips: ['10.99.0.1'],
  health: { web: { vm1: { state: 'HEALTHY', lastCheck: new Date(0).toISOString() } } },
});

/**
 * Expects every call of `store` (reads, writes, node reports) to fail as a store that does not exist:
 * UNAVAILABLE, `isStoreMissing`, the message containing `naming`.
 */
export async function expectStoreMissing(store: StateStore, naming: string): Promise<void> {
  const calls: [string, () => Promise<unknown>][] = [
    ['list', () => store.list()],
    ['get', () => store.get('web')],
    ['revision', () => store.revision()],
    ['listNodeReports', () => store.listNodeReports()],
    ['putNodeReport', () => store.putNodeReport(report('lb1', 0))],
    ['put', () => store.put(makeRecord('web'))],
    ['delete', () => store.delete('web')],
  ];
  for (const [call, run] of calls) {
    const error = await run().then(
      () => new Error(`${call} succeeded`),
      (e: unknown) => e,
    );
    expect(error, call).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining(naming) });
    expect(isStoreMissing(error), call).toBe(true);
  }
}

/** NLB names that are also members of Object.prototype and valid NLB names (`__proto__` is not one). */
const PROTOTYPE_NAMES = ALL_PROTOTYPE_NAMES.filter((n) => NLB_NAME_PATTERN.test(n));

/** Waits until `cond` holds (polled every 10 ms), or throws after `ms`. */
export const until = async (cond: () => boolean | Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/**
 * The behaviour every StateStore shares (revisions, conflicts, copies, node reports, watchers), as a
 * describe block for one implementation. `make` returns a fresh, empty store each time.
 */
export function describeStoreContract(name: string, make: () => Promise<StateStore>): void {
  describe(`${name} store (shared contract)`, () => {
    it('puts, gets, lists sorted, deletes, and bumps the revision on every change', async () => {
      const store = await make();
      expect(await store.list()).toEqual({ revision: 0, records: [] });
      expect(await store.put(makeRecord('web'))).toBe(1);
      expect(await store.put(makeRecord('api'))).toBe(2);
      expect((await store.get('web'))?.revision).toBe(1);
      expect((await store.list()).records.map((r) => r.record.name)).toEqual(['api', 'web']);
      expect(await store.delete('web')).toBe(true);
      expect(await store.delete('web')).toBe(false);
      expect(await store.revision()).toBe(3);
      expect(await store.get('web')).toBeUndefined();
      await store.close();
    });

    it('rejects a write whose expected revision is stale with CONFLICT, writing nothing', async () => {
      const store = await make();
      await store.put(makeRecord('web'), { expectedRevision: 0 });
      await expect(store.put(makeRecord('web'), { expectedRevision: 0 })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      await store.put(makeRecord('web', { port: 81 }), { expectedRevision: 1 });
      await expect(store.delete('web', { expectedRevision: 1 })).rejects.toMatchObject({ code: 'CONFLICT' });
      expect((await store.get('web'))?.record.service.port).toBe(81);
      expect(await store.revision()).toBe(2);
      await store.close();
    });

    it('rejects a write whose expected store revision is stale, retryably, writing nothing', async () => {
      const store = await make();
      await store.put(makeRecord('web'), { expectedStoreRevision: 0 });
      const stale = await store.put(makeRecord('api'), { expectedStoreRevision: 0 }).catch((e: unknown) => e);
      expect(stale).toMatchObject({ code: 'CONFLICT', retryable: true });
      expect(isStoreRevisionConflict(stale)).toBe(true);
      await expect(store.delete('web', { expectedStoreRevision: 0 })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      expect((await store.list()).records.map((r) => r.record.name)).toEqual(['web']);
      expect(await store.put(makeRecord('api'), { expectedStoreRevision: 1, expectedRevision: 0 })).toBe(2);
      // A stale record revision is the other kind of conflict.
      const record = await store.put(makeRecord('api'), { expectedRevision: 0 }).catch((e: unknown) => e);
      expect(record).toMatchObject({ code: 'CONFLICT' });
      expect(isStoreRevisionConflict(record)).toBe(false);
      expect(await store.revision()).toBe(2);
      await store.close();
    });

    it('returns copies', async () => {
      const store = await make();
      await store.put(makeRecord('web'));
      const got = await store.get('web');
      if (got) got.record.service.port = 1;
      expect((await store.get('web'))?.record.service.port).toBe(80);
      await store.close();
    });

    it('tells a watcher about a change made as soon as watch() returns', async () => {
      const store = await make();
      let lastCall = 0;
      const stop = store.watch(() => {
        lastCall = performance.now();
      });
      const writing = performance.now();
      await store.put(makeRecord('web'));
      // Called after the write began: by the change itself, or by the call when watching started.
      await until(() => lastCall >= writing);
      stop();
      await store.close();
    });

    it('keeps NLBs and VMs named like Object.prototype members apart from the prototype', async () => {
      const store = await make();
      for (const name of PROTOTYPE_NAMES) {
        expect(await store.get(name), name).toBeUndefined();
        await store.put(makeRecord(name));
      }
      expect((await store.list()).records.map((r) => r.record.name)).toEqual([...PROTOTYPE_NAMES].sort());
      expect((await store.get('toString'))?.record.name).toBe('toString');
      // VMs named alike, in a node report's health by NLB and VM.
      const health = Object.fromEntries(
        PROTOTYPE_NAMES.map((nlb) => [
          nlb,
          { toString: { state: 'HEALTHY' as const }, constructor: { state: 'UNHEALTHY' as const } },
        ]),
      );
      await store.putNodeReport({ ...report('lb1', 5), health });
      const [back] = await store.listNodeReports();
      expect(JSON.parse(JSON.stringify(back?.health ?? null))).toEqual(health);
      for (const name of PROTOTYPE_NAMES) expect(await store.delete(name), name).toBe(true);
      expect(await store.delete('valueOf')).toBe(false);
      await store.close();
    });

    it('keeps node reports and tells watchers about changes', async () => {
      const store = await make();
      let calls = 0;
      const stop = store.watch(() => calls++);
      await new Promise((r) => setTimeout(r, 100));
      const started = calls; // a store may call once when watching has started
      await store.putNodeReport(report('lb1', 1));
      await until(() => calls > started);
      const seen = calls;
      await store.put(makeRecord('web'));
      await until(() => calls > seen);
      expect(await store.listNodeReports()).toEqual([report('lb1', 1)]);
      stop();
      await expect(store.putNodeReport(report('../evil', 1))).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
      await store.close();
    });
  });
}
