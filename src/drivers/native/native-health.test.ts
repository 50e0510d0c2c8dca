import { describe, expect, it } from 'vitest';
import type { NLBInfo } from '../../interfaces/types.js';
import type { NodeReport } from '../../native/store/types.js';
import { aggregateHealth } from './native-health.js';

const nlb = {
  iid: { nameId: 'web' },
  vmGroup: {
    protocol: 'TCP',
    port: 8080,
    algorithm: 'ROUND_ROBIN',
    vms: [{ nameId: 'a' }, { nameId: 'b' }, { nameId: 'c' }],
  },
} as unknown as NLBInfo;

const report = (node: string, health: NodeReport['health']): NodeReport => ({
  node,
  appliedRevision: 1,
  attemptedRevision: 1,
  updatedAt: '2026-01-01T00:00:00.000Z',
  vips: [],
  health,
});

describe('aggregateHealth', () => {
  it('says UNKNOWN for everything when no agent reported, with the reason', () => {
    const h = aggregateHealth(nlb, []);
    expect(h.unknownVMs.map((v) => v.nameId)).toEqual(['a', 'b', 'c']);
    expect(h.details[0]?.reason).toBe('no agent has reported yet');
  });

  it('lets the worst verdict win across nodes, names the deciding nodes, keeps the latest times', () => {
    const h = aggregateHealth(nlb, [
      report('lb1', {
        web: {
          a: {
            state: 'HEALTHY',
            lastCheck: '2026-01-01T00:00:05.000Z',
            lastChange: '2026-01-01T00:00:01.000Z',
          },
          b: { state: 'HEALTHY', lastCheck: '2026-01-01T00:00:05.000Z' },
        },
      }),
      report('lb2', {
        web: {
          a: { state: 'HEALTHY', lastCheck: '2026-01-01T00:00:09.000Z' },
          b: { state: 'UNHEALTHY', reason: 'timeout', lastChange: '2026-01-01T00:00:07.000Z' },
        },
      }),
    ]);
    expect(h.healthyVMs.map((v) => v.nameId)).toEqual(['a']);
    expect(h.unhealthyVMs.map((v) => v.nameId)).toEqual(['b']);
    expect(h.unknownVMs.map((v) => v.nameId)).toEqual(['c']);
    expect(h.details[0]).toMatchObject({
      lastCheck: new Date('2026-01-01T00:00:09.000Z'),
      lastChange: new Date('2026-01-01T00:00:01.000Z'),
    });
    expect(h.details[1]).toMatchObject({ state: 'UNHEALTHY', reason: 'lb2: timeout' });
    expect(h.details[2]?.reason).toBe('not measured by any agent yet');
  });
});
