import { describe, expect, it } from 'vitest';
import { makeRecord } from '../../../test/native/store-record.js';
import type { VMHealthState } from '../../interfaces/types.js';
import { planNode } from './desired-state.js';

const snapshot = (...records: ReturnType<typeof makeRecord>[]) => ({
  revision: 7,
  records: records.map((record) => ({ record, revision: 7 })),
});
const health =
  (states: Record<string, VMHealthState>) =>
  (key: string): VMHealthState =>
    states[key] ?? 'UNKNOWN';

describe('planNode announce targets', () => {
  it('lists each VIP once, sorted, with its family, serving while a backend is not UNHEALTHY', () => {
    const plan = planNode(
      snapshot(
        makeRecord('b', { vip: 'fd00:99::1', vms: { v6: 'fd00::11' } }),
        makeRecord('a', { vip: '10.99.0.2', vms: { x: '10.0.0.1', y: '10.0.0.2' } }),
      ),
      health({ 'a/x': 'UNHEALTHY' }),
    );
    expect(plan.announce).toEqual([
      { vip: '10.99.0.2', family: 4, serving: true },
      { vip: 'fd00:99::1', family: 6, serving: true },
    ]);
  });

  it('a VIP whose backends are all UNHEALTHY does not serve, in fail-open and in reject', () => {
    const snap = snapshot(makeRecord('a', { vip: '10.99.0.2', vms: { x: '10.0.0.1' } }));
    for (const mode of ['fail-open', 'reject'] as const)
      expect(planNode(snap, health({ 'a/x': 'UNHEALTHY' }), mode).announce).toEqual([
        { vip: '10.99.0.2', family: 4, serving: false },
      ]);
  });

  it('a VIP shared by two services serves when either has a usable backend', () => {
    const plan = planNode(
      snapshot(
        makeRecord('a', { vip: '10.99.0.2', port: 80, vms: { x: '10.0.0.1' } }),
        makeRecord('b', { vip: '10.99.0.2', port: 443, vms: { y: '10.0.0.2' } }),
      ),
      health({ 'a/x': 'UNHEALTHY', 'b/y': 'HEALTHY' }),
    );
    expect(plan.announce).toEqual([{ vip: '10.99.0.2', family: 4, serving: true }]);
  });
});

describe('planNode drains', () => {
  it('lists ended drains as drained, and wakes at the next end', () => {
    const record = makeRecord('web', { vms: { a: '10.0.0.1' } });
    record.service.draining = [
      { id: 'b', address: '10.0.0.2', port: 8080, until: 1000 },
      { id: 'c', address: '10.0.0.3', port: 8080, until: 3000 },
    ];
    const plan = planNode(snapshot(record), health({}), 'fail-open', 2000);
    expect(plan.state.services[0]?.drained).toEqual([{ address: '10.0.0.2', port: 8080, until: 1000 }]);
    expect(plan.state.services[0]?.backends.map((b) => b.id)).toEqual(['a']);
    expect(plan.nextDrainEnd).toBe(3000);
    const later = planNode(snapshot(record), health({}), 'fail-open', 3000);
    expect(later.state.services[0]?.drained).toHaveLength(2);
    expect(later.nextDrainEnd).toBeUndefined();
  });
});

describe('planNode health targets', () => {
  it('checks dsr and tunnel backends through the VIP path, a nat backend at its address', () => {
    const viaDsr = makeRecord('d', { vip: '10.99.0.3', vms: { x: '10.0.0.1' } });
    viaDsr.service.forwarding = 'dsr';
    const viaTunnel = makeRecord('t', { vip: '10.99.0.5', vms: { z: '10.78.0.3' } });
    viaTunnel.service.forwarding = 'tunnel';
    const plan = planNode(
      snapshot(viaDsr, makeRecord('n', { vip: '10.99.0.4', vms: { y: '10.0.0.2' } }), viaTunnel),
      health({}),
    );
    expect(plan.targets.map((t) => [t.key, t.address, t.path])).toEqual([
      ['d/x', '10.0.0.1', { mode: 'dsr', vip: '10.99.0.3' }],
      ['n/y', '10.0.0.2', undefined],
      ['t/z', '10.78.0.3', { mode: 'tunnel', vip: '10.99.0.5' }],
    ]);
  });
});
