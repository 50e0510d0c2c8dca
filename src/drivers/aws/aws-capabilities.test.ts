import { describe, expect, it } from 'vitest';
import { checkCreate, checkHealthChecker, resolveHealthChecker } from '../../interfaces/capabilities.js';
import { createRequestSchema } from '../../interfaces/schemas.js';
import { AWS_CAPABILITIES } from './aws-capabilities.js';

const base = {
  iid: { nameId: 'web' },
  vpcIID: { nameId: 'main' },
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: { protocol: 'TCP', port: 8080, vms: [] },
  healthChecker: { protocol: 'TCP' },
};
const violations = (patch: Record<string, unknown>) =>
  checkCreate(AWS_CAPABILITIES, createRequestSchema.parse({ ...base, ...patch })).map((v) => v.path);

describe('AWS capabilities', () => {
  it('accepts the edges of every AWS range', () => {
    for (const hc of [
      { protocol: 'TCP', interval: 5, timeout: 2, healthyThreshold: 2, unhealthyThreshold: 2 },
      { protocol: 'HTTPS', interval: 300, timeout: 120, healthyThreshold: 10, unhealthyThreshold: 10 },
    ])
      expect(violations({ healthChecker: hc })).toEqual([]);
  });

  it('refuses one past each edge', () => {
    expect(violations({ healthChecker: { protocol: 'TCP', interval: 4, timeout: 2 } })).toEqual([
      'healthChecker.interval',
    ]);
    expect(violations({ healthChecker: { protocol: 'TCP', interval: 301 } })).toEqual([
      'healthChecker.interval',
    ]);
    expect(violations({ healthChecker: { protocol: 'TCP', interval: 10, timeout: 1 } })).toEqual([
      'healthChecker.timeout',
    ]);
    expect(violations({ healthChecker: { protocol: 'TCP', threshold: 1 } })).toEqual([
      'healthChecker.healthyThreshold',
      'healthChecker.unhealthyThreshold',
    ]);
    expect(violations({ healthChecker: { protocol: 'TCP', unhealthyThreshold: 11 } })).toEqual([
      'healthChecker.unhealthyThreshold',
    ]);
  });

  it('a UDP group may be checked over TCP, HTTP or HTTPS, never UDP', () => {
    const udp = { listener: { protocol: 'UDP', port: 53 }, vmGroup: { protocol: 'UDP', port: 53, vms: [] } };
    expect(violations({ ...udp, healthChecker: { protocol: 'TCP' } })).toEqual([]);
    expect(violations({ ...udp, healthChecker: { protocol: 'HTTP' } })).toEqual([]);
    expect(violations({ ...udp, healthChecker: { protocol: 'UDP' } })).toEqual(['healthChecker.protocol']);
  });

  it('enforces the 32-character name and the reserved internal- prefix', () => {
    expect(violations({ iid: { nameId: 'x'.repeat(32) } })).toEqual([]);
    expect(violations({ iid: { nameId: 'x'.repeat(33) } })).toEqual(['iid.nameId']);
    expect(violations({ iid: { nameId: 'Internal-web' } })).toEqual(['iid.nameId']);
    expect(violations({ iid: { nameId: 'my-internal-web' } })).toEqual([]);
  });

  it('defaults are AWS’s NLB target-group defaults', () => {
    const hc = resolveHealthChecker(AWS_CAPABILITIES, { protocol: 'TCP' });
    expect(hc).toMatchObject({ interval: 30, timeout: 10, healthyThreshold: 5, unhealthyThreshold: 2 });
    expect(checkHealthChecker(AWS_CAPABILITIES, { protocol: 'TCP' }, { protocol: 'TCP', port: 80 })).toEqual(
      [],
    );
  });

  it('is frozen all the way down', () => {
    expect(() => (AWS_CAPABILITIES.healthCheck.protocols as string[]).push('UDP')).toThrow();
    expect(() => {
      (AWS_CAPABILITIES.healthCheck.interval as { min: number }).min = 1;
    }).toThrow();
  });
});
