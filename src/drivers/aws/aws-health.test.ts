import { describe, expect, it } from 'vitest';
import { AWS_TARGET_STATES, healthInfoOf, mapTargetState } from './aws-health.js';

describe('mapTargetState', () => {
  it.each([
    ['healthy', undefined, true, 'HEALTHY'],
    ['unhealthy', 'Target.FailedHealthChecks', true, 'UNHEALTHY'],
    ['unhealthy.draining', undefined, true, 'UNHEALTHY'],
    ['initial', 'Elb.RegistrationInProgress', true, 'UNKNOWN'],
    ['unused', 'Target.NotInUse', true, 'UNKNOWN'],
    ['unused', 'Target.InvalidState', true, 'UNHEALTHY'],
    ['unavailable', 'Target.HealthCheckDisabled', true, 'UNKNOWN'],
    ['draining', 'Target.DeregistrationInProgress', false, 'UNKNOWN'],
    ['some-future-state', undefined, true, 'UNKNOWN'],
  ])('%s (%s) -> member %s, %s', (state, reason, member, health) => {
    expect(mapTargetState(state, reason)).toEqual({ member, state: health });
  });

  it('covers every documented AWS state', () => {
    for (const s of AWS_TARGET_STATES) expect(mapTargetState(s)).toHaveProperty('state');
    expect(AWS_TARGET_STATES).toHaveLength(7);
  });
});

describe('healthInfoOf', () => {
  const vms = ['a', 'b', 'c', 'd', 'e'].map((n) => ({ nameId: n, systemId: `i-${n}` }));
  const row = (id: string, State: string, Reason?: string) => ({
    Target: { Id: `i-${id}` },
    TargetHealth: { State, Reason },
  });

  it('partitions members exactly and leaves draining targets out', () => {
    const h = healthInfoOf(vms, [
      row('a', 'healthy'),
      row('b', 'unhealthy', 'Target.Timeout'),
      row('c', 'initial'),
      row('d', 'draining'),
    ]);
    expect(h.healthyVMs.map((v) => v.nameId)).toEqual(['a']);
    expect(h.unhealthyVMs.map((v) => v.nameId)).toEqual(['b']);
    // e has no row at all: not registered, so nothing is known about it.
    expect(h.unknownVMs.map((v) => v.nameId)).toEqual(['c', 'e']);
    expect(h.allVMs.map((v) => v.nameId)).toEqual(['a', 'b', 'c', 'e']);
    expect(h.details.find((d) => d.vm.nameId === 'b')).toMatchObject({
      providerState: 'unhealthy',
      reason: 'Target.Timeout',
    });
    expect(h.details.find((d) => d.vm.nameId === 'e')?.reason).toMatch(/not registered/);
  });
});
