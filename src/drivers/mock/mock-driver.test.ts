import { describe, expect, it } from 'vitest';
import { NLBError } from '../../interfaces/errors.js';
import type { NLBCreateRequest } from '../../interfaces/types.js';
import { createMockDriver } from './mock-driver.js';

const vms = { web1: { ipv4: '10.0.0.11' }, web2: { ipv4: '10.0.0.12' }, web3: { ipv4: '10.0.0.13' } };
const request = (name = 'web', ...names: string[]): NLBCreateRequest => ({
  iid: { nameId: name },
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: {
    protocol: 'TCP',
    port: 8080,
    vms: (names.length ? names : ['web1', 'web2']).map((nameId) => ({ nameId })),
  },
  healthChecker: { protocol: 'TCP' },
});

describe('mock driver', () => {
  it('is deterministic with an injected clock and id generator', async () => {
    const make = () => createMockDriver({ vms, clock: () => new Date('2026-01-02T03:04:05Z') });
    const [a, b] = [await make().createNLB(request()), await make().createNLB(request())];
    expect(a).toEqual(b);
    expect(a.iid.systemId).toBe('mock-nlb-0001');
    expect(a.createdTime.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(a.listener.ip).toBe('192.0.2.1');
  });

  it('fills health-check defaults and reports them', async () => {
    const nlb = await createMockDriver({ vms }).createNLB(request());
    expect(nlb.healthChecker).toMatchObject({
      interval: 10,
      timeout: 5,
      healthyThreshold: 3,
      unhealthyThreshold: 3,
    });
  });

  it('reports the health set with setVMHealth, with reason and time', async () => {
    const at = new Date('2026-05-05T00:00:00Z');
    const nlb = createMockDriver({ vms, clock: () => at });
    await nlb.createNLB(request('web', 'web1', 'web2', 'web3'));
    nlb.setVMHealth('web2', 'UNHEALTHY', 'connection refused');
    nlb.setVMHealth({ nameId: 'web3' }, 'UNKNOWN');
    const h = await nlb.getVMGroupHealthInfo({ nameId: 'web' });
    expect(h.healthyVMs.map((v) => v.nameId)).toEqual(['web1']);
    expect(h.unhealthyVMs.map((v) => v.nameId)).toEqual(['web2']);
    expect(h.unknownVMs.map((v) => v.nameId)).toEqual(['web3']);
    expect(h.details.find((d) => d.vm.nameId === 'web2')).toMatchObject({
      reason: 'connection refused',
      lastChange: at,
    });
    expect(() => nlb.setVMHealth('web1', 'SICK' as never)).toThrow(NLBError);
  });

  it('fails the next call with an injected fault, before any side effect, then recovers', async () => {
    const nlb = createMockDriver({ vms });
    nlb.failNext('createNLB', { code: 'THROTTLED', message: 'slow down' });
    const err = await nlb.createNLB(request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NLBError);
    expect(err).toMatchObject({ code: 'THROTTLED', retryable: true, driver: 'mock', operation: 'createNLB' });
    expect(await nlb.listNLB()).toEqual([]);
    await expect(nlb.createNLB(request())).resolves.toMatchObject({ iid: { nameId: 'web' } });
  });

  it('fails every call while failAlways is set, for any operation with *', async () => {
    const nlb = createMockDriver({ vms });
    nlb.failAlways('*', { code: 'UNAVAILABLE' });
    await expect(nlb.listNLB()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(nlb.listIID()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    nlb.clearFaults();
    await expect(nlb.listNLB()).resolves.toEqual([]);
  });

  it('adds latency that an AbortSignal cuts short', async () => {
    const nlb = createMockDriver({ vms, latencyMs: 5_000 });
    const controller = new AbortController();
    const started = Date.now();
    const pending = nlb.listNLB({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('rejects an unknown VM with NOT_FOUND and creates nothing', async () => {
    const nlb = createMockDriver({ vms });
    await expect(nlb.createNLB(request('web', 'web1', 'nope'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await nlb.listIID()).toEqual([]);
  });

  it('refuses a second NLB on the same listener address and port', async () => {
    const nlb = createMockDriver({ vms });
    await nlb.createNLB({ ...request('a'), listener: { protocol: 'TCP', port: 80, ip: '192.0.2.50' } });
    const clash = nlb.createNLB({
      ...request('b'),
      listener: { protocol: 'TCP', port: 80, ip: '192.0.2.50' },
    });
    await expect(clash).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      nlb.createNLB({ ...request('c'), listener: { protocol: 'UDP', port: 80, ip: '192.0.2.50' } }),
    ).resolves.toBeTruthy();
  });

  it('frees a listener address and port when its NLB is deleted or moves', async () => {
    const nlb = createMockDriver({ vms });
    const at = (port: number) => ({ protocol: 'TCP' as const, port, ip: '192.0.2.50' });
    await nlb.createNLB({ ...request('a'), listener: at(80) });
    await nlb.changeListener({ nameId: 'a' }, at(81));
    // 80 is free again, 81 is a's own (a change of a's listener to itself is no clash).
    await expect(nlb.createNLB({ ...request('b'), listener: at(80) })).resolves.toBeTruthy();
    await expect(nlb.createNLB({ ...request('c'), listener: at(81) })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(nlb.changeListener({ nameId: 'a' }, at(81))).resolves.toBeTruthy();
    await nlb.deleteNLB({ nameId: 'a' });
    await expect(nlb.createNLB({ ...request('c'), listener: at(81) })).resolves.toBeTruthy();
  });

  it('emulates a cloud with capabilities: same rejection, every violation named', async () => {
    const nlb = createMockDriver({
      vms,
      capabilities: {
        healthCheck: { interval: { min: 5, max: 300 }, timeout: { min: 2, max: 120 } } as never,
      },
    });
    const err = await nlb
      .createNLB({ ...request(), healthChecker: { protocol: 'TCP', interval: 400, timeout: 1 } })
      .catch((e: NLBError) => e);
    expect(err).toMatchObject({ code: 'UNSUPPORTED' });
    expect((err as NLBError).violations.map((v) => v.path)).toEqual([
      'healthChecker.interval',
      'healthChecker.timeout',
    ]);
    expect((err as NLBError).message).toContain('allowed: 5-300');
  });

  it('records every call, rejected ones included', async () => {
    const nlb = createMockDriver({ vms });
    await nlb.createNLB(request());
    await nlb.getNLB({ nameId: 'missing' }).catch(() => undefined);
    expect(nlb.calls.map((c) => c.operation)).toEqual(['createNLB', 'getNLB']);
  });

  it('serializes operations on one NLB: a slow change finishes before the next starts', async () => {
    const nlb = createMockDriver({ vms });
    await nlb.createNLB(request('web', 'web1'));
    nlb.setLatency(30);
    const order: string[] = [];
    await Promise.all([
      nlb.addVMs({ nameId: 'web' }, [{ nameId: 'web2' }]).then(() => order.push('add')),
      nlb.removeVMs({ nameId: 'web' }, [{ nameId: 'web2' }]).then(() => order.push('remove')),
    ]);
    expect(order).toEqual(['add', 'remove']);
    expect((await nlb.getNLB({ nameId: 'web' })).vmGroup.vms.map((v) => v.nameId)).toEqual(['web1']);
  });

  it('validates inventory entries', () => {
    expect(() => createMockDriver({ vms: { 'bad name': {} } })).toThrow(NLBError);
    expect(() => createMockDriver({ vms: { ok: { ipv4: '::1' } } })).toThrow(/not an IPv4 address/);
  });

  it('quotes, escapes and cuts the names and addresses it refuses', () => {
    const nlb = createMockDriver({ vms });
    const name = `evil\n[nlbkit] forged${'x'.repeat(100_000)}`;
    expect(() => nlb.putVM(name)).toThrow(
      `VM name 'evil\\n[nlbkit] forged${'x'.repeat(64 - 20)}'... (100020 characters) is not a valid name`,
    );
    expect(() => nlb.putVM('vm9', { ipv4: '10.0.0.1\r\n' })).toThrow(
      "ipv4 '10.0.0.1\\r\\n' of VM 'vm9' is not an IPv4 address",
    );
  });
});
