import { describe, expect, it } from 'vitest';
import type { NodeReport } from '../store/types.js';
import { HEALTH_SEED_MAX_AGE_MS, healthSeed } from './health-seed.js';

const now = Date.parse('2026-12-05T12:00:00Z');
const ago = (s: number) => new Date(now - s * 1000).toISOString();
const report = (node: string, health: NodeReport['health']): NodeReport => ({
  node,
  appliedRevision: 1,
  attemptedRevision: 1,
  updatedAt: ago(0),
  vips: [],
  health,
});

describe('health seed', () => {
  it("takes each backend's freshest measured verdict over every node's report", () => {
    const seed = healthSeed(
      [
        report('lb1', {
          web: {
            vm1: { state: 'HEALTHY', lastCheck: ago(30) },
            vm2: { state: 'HEALTHY', lastCheck: ago(2) },
          },
        }),
        report('lb2', {
          web: {
            vm1: { state: 'UNHEALTHY', lastCheck: ago(3) },
            vm2: { state: 'UNHEALTHY', lastCheck: ago(9) },
          },
        }),
        report('lb3', { api: { vm1: { state: 'HEALTHY', lastCheck: ago(1) } } }),
      ],
      now,
    );
    expect(Object.fromEntries(seed)).toEqual({
      'web/vm1': 'UNHEALTHY',
      'web/vm2': 'HEALTHY',
      'api/vm1': 'HEALTHY',
    });
  });

  it('passes on no UNKNOWN, no verdict without a check (a seed itself) and none older than the limit', () => {
    const seed = healthSeed(
      [
        report('lb1', {
          web: {
            unknown: { state: 'UNKNOWN', lastCheck: ago(1) },
            seeded: { state: 'UNHEALTHY' },
            stale: { state: 'UNHEALTHY', lastCheck: ago(HEALTH_SEED_MAX_AGE_MS / 1000 + 1) },
            bad: { state: 'HEALTHY', lastCheck: 'not a time' },
            fresh: { state: 'UNHEALTHY', lastCheck: ago(HEALTH_SEED_MAX_AGE_MS / 1000 - 1) },
          },
        }),
      ],
      now,
    );
    expect([...seed]).toEqual([['web/fresh', 'UNHEALTHY']]);
  });
});
