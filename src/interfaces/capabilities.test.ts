import { describe, expect, it } from 'vitest';
import { mockDefaultCapabilities } from '../drivers/mock/mock-capabilities.js';
import {
  checkCreate,
  checkListenerChange,
  checkVMGroupChange,
  defaultHashFields,
  resolveHealthChecker,
} from './capabilities.js';
import { createRequestSchema, listenerSchema, vmGroupSchema } from './schemas.js';

const caps = structuredClone(mockDefaultCapabilities);
const request = (hc: object) =>
  createRequestSchema.parse({
    iid: { nameId: 'web' },
    listener: { protocol: 'UDP', port: 53 },
    vmGroup: { protocol: 'UDP', port: 5353, vms: [] },
    healthChecker: hc,
  });

describe('capabilities', () => {
  it('reports every violation at once, each with its path and the allowed values', () => {
    const tight = {
      ...caps,
      healthCheck: {
        ...caps.healthCheck,
        protocolsForUdpGroup: ['TCP' as const],
        interval: { min: 5, max: 300 },
      },
    };
    const v = checkCreate(tight, request({ protocol: 'UDP', interval: 400, timeout: 3 }));
    expect(v.map((x) => [x.path, x.code, x.allowed])).toEqual([
      ['healthChecker.protocol', 'UNSUPPORTED', 'TCP'],
      ['healthChecker.interval', 'UNSUPPORTED', '5-300'],
    ]);
  });

  it('checks the resolved timeout against the resolved interval (defaults included)', () => {
    const v = checkCreate(caps, request({ protocol: 'TCP', timeout: 30 })); // default interval 10
    expect(v.map((x) => x.path)).toEqual(['healthChecker.timeout']);
    expect(v[0]?.code).toBe('INVALID_ARGUMENT');
  });

  it('fills defaults; threshold sets both thresholds unless they are given', () => {
    expect(
      resolveHealthChecker(caps, { protocol: 'TCP', threshold: 4, unhealthyThreshold: 2 }),
    ).toMatchObject({
      interval: 10,
      timeout: 5,
      healthyThreshold: 4,
      unhealthyThreshold: 2,
    });
  });

  it('holds per-protocol interval floors and fixed expected codes', () => {
    const octaviaLike = { ...caps, healthCheck: { ...caps.healthCheck, minIntervalFor: { UDP: 3 } } };
    expect(
      checkCreate(octaviaLike, request({ protocol: 'UDP', interval: 2, timeout: 1 })).map((x) => [
        x.path,
        x.allowed,
      ]),
    ).toEqual([['healthChecker.interval', '3-3600']]);
    expect(checkCreate(octaviaLike, request({ protocol: 'TCP', interval: 2, timeout: 1 }))).toEqual([]);
    const azureLike = { ...caps, healthCheck: { ...caps.healthCheck, fixedExpectedCodes: '200' } };
    const codes = (expectedCodes: string) =>
      checkCreate(azureLike, request({ protocol: 'HTTP', expectedCodes }));
    expect(codes('200-399').map((x) => [x.path, x.code, x.allowed])).toEqual([
      ['healthChecker.expectedCodes', 'UNSUPPORTED', '200'],
    ]);
    expect(codes('200')).toEqual([]);
  });

  it('holds equal ports on drivers that do not translate them, on create and on each change', () => {
    const gcpLike = { ...caps, samePortRequired: true };
    expect(checkCreate(gcpLike, request({ protocol: 'TCP' })).map((x) => [x.path, x.code])).toEqual([
      ['vmGroup.port', 'UNSUPPORTED'],
    ]);
    expect(checkCreate(caps, request({ protocol: 'TCP' }))).toEqual([]);
    const listener = { protocol: 'UDP' as const, port: 53 };
    const group = { protocol: 'UDP' as const, port: 53, algorithm: 'ROUND_ROBIN' as const };
    const movedListener = listenerSchema.parse({ protocol: 'UDP', port: 54 });
    expect(checkListenerChange(gcpLike, listener, movedListener, group).map((x) => x.path)).toEqual([
      'listener.port',
    ]);
    const movedGroup = vmGroupSchema.parse({ protocol: 'UDP', port: 54, vms: [] });
    expect(checkVMGroupChange(gcpLike, group, movedGroup, listener).map((x) => x.path)).toEqual([
      'vmGroup.port',
    ]);
    expect(checkVMGroupChange(caps, group, movedGroup, listener)).toEqual([]);
  });

  it('holds a provider name pattern, saying the rule in words', () => {
    const lower = { ...caps, namePattern: { pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$', text: 'lowercase' } };
    const named = (nameId: string) =>
      checkCreate(lower, { ...request({ protocol: 'TCP' }), iid: { nameId } }).filter(
        (x) => x.path === 'iid.nameId',
      );
    expect(named('Web').map((x) => [x.code, x.allowed])).toEqual([['UNSUPPORTED', 'lowercase']]);
    expect(named('9web')).toHaveLength(1);
    expect(named('web-1')).toEqual([]);
  });

  it('picks default hash fields the driver honours', () => {
    expect(defaultHashFields('SOURCE_HASH')).toBe('SOURCE_IP');
    expect(defaultHashFields('MAGLEV')).toBe('FIVE_TUPLE');
    expect(defaultHashFields('SOURCE_HASH', { hashFields: ['FIVE_TUPLE'] })).toBe('FIVE_TUPLE');
  });
});
