/** The capability rules for listener address families, as the guard applies them. */
import { describe, expect, it } from 'vitest';
import { mockDefaultCapabilities } from '../drivers/mock/mock-capabilities.js';
import {
  addressFamiliesOf,
  checkCreate,
  checkListenerChange,
  type DriverCapabilities,
  IPV4_ONLY,
  nextAddressFamily,
  requestedAddressFamily,
} from './capabilities.js';
import { createRequestSchema, listenerSchema } from './schemas.js';

// The mock's permissive capabilities, without an address-family declaration.
const { addressFamilies: _, ...rest } = structuredClone(mockDefaultCapabilities);
const base: DriverCapabilities = rest;
const dual: DriverCapabilities = {
  ...base,
  addressFamilies: { families: ['IPV4', 'DUAL_STACK'], default: 'IPV4', change: false },
};

const create = (listener: Record<string, unknown>) =>
  createRequestSchema.parse({
    iid: { nameId: 'web' },
    listener: { protocol: 'TCP', port: 80, ...listener },
    vmGroup: { protocol: 'TCP', port: 80, vms: [] },
    healthChecker: { protocol: 'TCP' },
  });
const paths = (vs: { path: string; code: string }[]) => vs.map((v) => `${v.path} ${v.code}`);

describe('listener address families', () => {
  it('a driver that declares none offers IPv4 only', () => {
    expect(addressFamiliesOf(base)).toBe(IPV4_ONLY);
    expect(paths(checkCreate(base, create({ addressFamily: 'DUAL_STACK' })))).toEqual([
      'listener.addressFamily UNSUPPORTED',
    ]);
    // An IPv6 listener.ip alone asks for IPv6, which such a driver cannot give.
    expect(paths(checkCreate(base, create({ ip: '2001:db8::1' })))).toEqual(['listener.ip UNSUPPORTED']);
  });

  it('the family of a create: named, else the address, else the default', () => {
    expect(requestedAddressFamily(dual, {})).toBe('IPV4');
    expect(requestedAddressFamily(dual, { ip: '2001:db8::1' })).toBe('IPV6');
    expect(requestedAddressFamily(dual, { ip: '2001:db8::1', addressFamily: 'DUAL_STACK' })).toBe(
      'DUAL_STACK',
    );
    expect(
      requestedAddressFamily({ addressFamilies: { families: ['IPV4'], change: false } }, {}),
    ).toBeUndefined();
  });

  it('an address of another family than the one named is INVALID_ARGUMENT; DUAL_STACK takes either', () => {
    expect(paths(checkCreate(dual, create({ addressFamily: 'IPV4', ip: '2001:db8::1' })))).toEqual([
      'listener.ip INVALID_ARGUMENT',
    ]);
    expect(checkCreate(dual, create({ addressFamily: 'DUAL_STACK', ip: '2001:db8::1' }))).toEqual([]);
    expect(checkCreate(dual, create({ addressFamily: 'DUAL_STACK', ip: '192.0.2.1' }))).toEqual([]);
  });

  it('a change of family, named or implied by an address, needs `change`', () => {
    const current = { protocol: 'TCP' as const, port: 80, ip: '192.0.2.1', addressFamily: 'IPV4' as const };
    const next = (l: Record<string, unknown>) => listenerSchema.parse({ protocol: 'TCP', port: 80, ...l });
    const group = { protocol: 'TCP' as const, port: 80 };
    expect(paths(checkListenerChange(dual, current, next({ addressFamily: 'DUAL_STACK' }), group))).toEqual([
      'listener.addressFamily UNSUPPORTED',
    ]);
    expect(paths(checkListenerChange(dual, current, next({ ip: '2001:db8::1' }), group))).toEqual([
      'listener.ip UNSUPPORTED',
    ]);
    const changeable = {
      ...dual,
      addressFamilies: { families: ['IPV4', 'IPV6'], change: true },
    } as DriverCapabilities;
    expect(checkListenerChange(changeable, current, next({ ip: '2001:db8::1' }), group)).toEqual([]);
    expect(nextAddressFamily(current, { ip: '2001:db8::1' })).toBe('IPV6');
    expect(nextAddressFamily({ addressFamily: 'DUAL_STACK' }, { ip: '2001:db8::1' })).toBe('DUAL_STACK');
    expect(nextAddressFamily(current, {})).toBe('IPV4');
  });
});
