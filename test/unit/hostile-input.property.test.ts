/**
 * Thousands of random and hostile inputs at the schemas and the mock driver: only NLBError comes out,
 * nothing invalid is accepted, a rejected call never changes state, and its message stays one short
 * line. Hostile objects too: throwing getters and proxies anywhere, unknown fields of any name.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMockDriver } from '../../src/drivers/mock/index.js';
import {
  createRequestSchema,
  healthCheckerSchema,
  isNLBError,
  listenerSchema,
  NLB_NAME_PATTERN,
  type NLBError,
  type NLBHandler,
  parseAddress,
  RESOURCE_NAME_PATTERN,
  vmGroupSchema,
} from '../../src/interfaces/index.js';
import { MESSAGE_LIMIT, POISONS, poisoned, UNSAFE_IN_MESSAGE } from '../../src/testing/hostile-values.js';

const hostileText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom(
    ';',
    'a;b',
    'x\ny',
    '"',
    "'",
    '{}',
    '}',
    '$(reboot)',
    '`id`',
    'web 1',
    '-web',
    'web-',
    'a'.repeat(64),
    '',
    'ü',
    '💥',
    '\u0000',
    'fe80::1%eth0',
    '::1',
    '1.2.3.4',
    '10.1',
    '0x0a.0.0.1',
    '010.0.0.1',
    '1.2.3.4/32',
    '::ffff:1.2.3.4',
    '2001:db8::1',
    ' 1.2.3.4',
    'web1',
    'vm-2',
    'nlb',
    '200-299',
    '299-200',
    '/health',
    '/a b',
    // Object.prototype members (issue 14 item 4): names, not the prototype's properties.
    'constructor',
    'toString',
    'valueOf',
    'hasOwnProperty',
    '__proto__',
    '\u2028',
    '\u202e',
    '\u001b[31m',
    `${'x'.repeat(1_000)}\n[nlbkit] forged`,
  ),
);
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    0,
    -1,
    1,
    80,
    8080,
    65535,
    65536,
    1e20,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2.5,
    3600,
    3601,
  ),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const anything = fc.oneof(hostileText, hostileNumber, fc.constant(null), fc.constant({}), fc.constant([]));
const protocol = fc.oneof(fc.constantFrom('TCP', 'UDP', 'HTTP', 'HTTPS', 'tcp', 'SCTP'), hostileText);
const vm = fc.record(
  { nameId: fc.oneof(fc.constantFrom('vm1', 'vm2', 'vm3'), hostileText), weight: maybe(hostileNumber) },
  { requiredKeys: ['nameId'] },
);
const vms = fc.oneof(fc.array(vm, { maxLength: 5 }), anything);
const listener = fc.record(
  { protocol, port: hostileNumber, ip: maybe(hostileText), extra: maybe(anything) },
  { requiredKeys: ['protocol', 'port'] },
);
const vmGroup = fc.record(
  {
    protocol,
    port: hostileNumber,
    vms,
    algorithm: maybe(fc.oneof(fc.constantFrom('ROUND_ROBIN', 'MAGLEV', 'RANDOM'), hostileText)),
  },
  { requiredKeys: ['protocol', 'port', 'vms'] },
);
const healthChecker = fc.record(
  {
    protocol,
    port: maybe(hostileNumber),
    interval: maybe(hostileNumber),
    timeout: maybe(hostileNumber),
    threshold: maybe(hostileNumber),
    httpPath: maybe(hostileText),
    expectedCodes: maybe(hostileText),
  },
  { requiredKeys: ['protocol'] },
);
const createRequest = fc.record(
  {
    iid: fc.record({ nameId: fc.oneof(fc.constantFrom('web', 'web-2'), hostileText) }),
    listener: fc.oneof(listener, anything),
    vmGroup: fc.oneof(vmGroup, anything),
    healthChecker: fc.oneof(healthChecker, anything),
    type: maybe(fc.oneof(fc.constantFrom('PUBLIC', 'INTERNAL'), hostileText)),
    tagList: maybe(fc.array(fc.record({ key: hostileText, value: hostileText }), { maxLength: 3 })),
  },
  { requiredKeys: ['iid', 'listener', 'vmGroup', 'healthChecker'] },
);

/** Valid requests, and valid requests with one field made hostile: most inputs probe a single edge. */
const validRequest = fc.record({
  iid: fc.record({ nameId: fc.stringMatching(NLB_NAME_PATTERN) }),
  listener: fc.record({ protocol: fc.constantFrom('TCP', 'UDP'), port: fc.integer({ min: 1, max: 65535 }) }),
  vmGroup: fc.record({
    protocol: fc.constantFrom('TCP', 'UDP'),
    port: fc.integer({ min: 1, max: 65535 }),
    vms: fc
      .uniqueArray(fc.constantFrom('vm1', 'vm2', 'vm3'), { maxLength: 3 })
      .map((n) => n.map((nameId) => ({ nameId }))),
  }),
  healthChecker: fc.record({
    protocol: fc.constantFrom('TCP', 'HTTP'),
    interval: fc.integer({ min: 5, max: 60 }),
  }),
});
const mutated = fc
  .tuple(
    validRequest,
    fc.constantFrom('iid', 'listener', 'vmGroup', 'healthChecker'),
    fc.oneof(listener, vmGroup, healthChecker, anything),
  )
  .map(([r, key, value]) => ({ ...r, [key]: value }));
const anyRequest = fc.oneof(validRequest, mutated, createRequest);

const RUNS = 2_500;
const isPort = (n: unknown) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 65535;

function assertValidRequest(r: ReturnType<typeof createRequestSchema.parse>) {
  expect(r.iid.nameId).toMatch(NLB_NAME_PATTERN);
  expect(isPort(r.listener.port) && isPort(r.vmGroup.port)).toBe(true);
  if (r.listener.ip !== undefined) expect(parseAddress(r.listener.ip)?.address).toBe(r.listener.ip);
  for (const m of r.vmGroup.vms) expect(m.nameId).toMatch(RESOURCE_NAME_PATTERN);
  expect(new Set(r.vmGroup.vms.map((m) => m.nameId)).size).toBe(r.vmGroup.vms.length);
  const hc = r.healthChecker;
  if (hc.interval !== undefined && hc.timeout !== undefined)
    expect(hc.timeout).toBeLessThanOrEqual(hc.interval);
}

/** Runs `call`; it must resolve or reject with an NLBError, and a rejection must leave the state as it was. */
async function onlyNLBErrorsAndNoChangeOnReject(driver: NLBHandler, call: () => Promise<unknown>) {
  const before = await driver.listNLB();
  try {
    await call();
    return true;
  } catch (e) {
    if (!isNLBError(e)) throw new Error(`a non-NLBError escaped: ${String(e)}`);
    expectTidy(e);
    expect(await driver.listNLB()).toEqual(before);
    return false;
  }
}

/** Whatever the input held, the error's message and violations are short and on one line. */
function expectTidy(e: NLBError) {
  expect(e.message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
  for (const text of [e.message, ...e.violations.flatMap((v) => [v.path, v.message])])
    expect(text).not.toMatch(UNSAFE_IN_MESSAGE);
}

const fresh = async () => {
  const driver = createMockDriver({ vms: { vm1: {}, vm2: {}, vm3: {} } });
  await driver.createNLB({
    iid: { nameId: 'base' },
    listener: { protocol: 'TCP', port: 80 },
    vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm1' }] },
    healthChecker: { protocol: 'TCP' },
  });
  return driver;
};
const base = { nameId: 'base' };

describe('hostile input (property tests, 10,000+ cases in all)', () => {
  it('schemas accept only valid values, in canonical form', () => {
    fc.assert(
      fc.property(anyRequest, (input) => {
        const parsed = createRequestSchema.safeParse(input);
        if (parsed.success) assertValidRequest(parsed.data);
        for (const [schema, part] of [
          [listenerSchema, input.listener],
          [vmGroupSchema, input.vmGroup],
          [healthCheckerSchema, input.healthChecker],
        ] as const) {
          const r = schema.safeParse(part);
          if (!r.success) expect(r.error.issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('createNLB: only NLBError, and a rejection creates nothing', async () => {
    const outcomes = { accepted: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(anyRequest, async (input) => {
        const driver = await fresh();
        const ok = await onlyNLBErrorsAndNoChangeOnReject(driver, () => driver.createNLB(input as never));
        outcomes[ok ? 'accepted' : 'rejected'] += 1;
        if (ok) assertValidRequest(createRequestSchema.parse(input));
      }),
      { numRuns: RUNS },
    );
    // Both branches must be exercised, or the property proves nothing.
    expect(outcomes.accepted).toBeGreaterThan(0);
    expect(outcomes.rejected).toBeGreaterThan(0);
  });

  it('change operations: only NLBError, and a rejection changes nothing', async () => {
    const op = fc.oneof(
      listener.map((l) => (d: NLBHandler) => d.changeListener(base, l as never)),
      vmGroup.map((g) => (d: NLBHandler) => d.changeVMGroupInfo(base, g as never)),
      healthChecker.map((h) => (d: NLBHandler) => d.changeHealthCheckerInfo(base, h as never)),
      vms.map((v) => (d: NLBHandler) => d.addVMs(base, v as never)),
      vms.map((v) => (d: NLBHandler) => d.removeVMs(base, v as never)),
      hostileText.map((n) => (d: NLBHandler) => d.getNLB({ nameId: n })),
      hostileText.map((n) => (d: NLBHandler) => d.deleteNLB({ nameId: n, systemId: n })),
    );
    await fc.assert(
      fc.asyncProperty(op, async (call) => {
        const driver = await fresh();
        await onlyNLBErrorsAndNoChangeOnReject(driver, () => call(driver));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('getters and proxies anywhere in the input: INVALID_ARGUMENT, and nothing changes', async () => {
    const call = fc.oneof(
      anyRequest.map((r) => [r, (d: NLBHandler, v: unknown) => d.createNLB(v as never)] as const),
      listener.map((l) => [l, (d: NLBHandler, v: unknown) => d.changeListener(base, v as never)] as const),
      vmGroup.map((g) => [g, (d: NLBHandler, v: unknown) => d.changeVMGroupInfo(base, v as never)] as const),
      vms.map((v) => [v, (d: NLBHandler, x: unknown) => d.addVMs(base, x as never)] as const),
      fc.constant([base, (d: NLBHandler, v: unknown) => d.getNLB(v as never)] as const),
      fc.constant([
        { signal: undefined },
        (d: NLBHandler, v: unknown) => d.listNLB(v as never),
        'opts',
      ] as const),
    );
    let reached = 0;
    await fc.assert(
      fc.asyncProperty(call, fc.nat(), fc.constantFrom(...POISONS), async ([input, run, opts], pick, how) => {
        const driver = await fresh();
        const hostile = poisoned(input, pick, how, opts !== 'opts');
        const before = await driver.listNLB();
        const outcome = await run(driver, hostile.value).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (outcome !== undefined) {
          if (!isNLBError(outcome)) throw new Error(`a non-NLBError escaped: ${String(outcome)}`);
          expectTidy(outcome);
          expect(await driver.listNLB()).toEqual(before);
        }
        if (!hostile.reached) return;
        reached += 1;
        expect(outcome).toMatchObject({ code: 'INVALID_ARGUMENT' });
        expect((outcome as NLBError).message).toContain('could not be read');
      }),
      { numRuns: 1_500 },
    );
    expect(reached).toBeGreaterThan(1_000);
  });

  it('an unknown field of any name is named in a violation path', async () => {
    const driver = await fresh();
    const where = fc.constantFrom(
      ['', createRequestSchema.shape],
      ['listener', listenerSchema.shape],
      ['vmGroup', vmGroupSchema.shape],
      ['healthChecker', healthCheckerSchema.shape],
    );
    await fc.assert(
      fc.asyncProperty(validRequest, where, hostileText, anything, async (req, [part, shape], key, value) => {
        fc.pre(!Object.hasOwn(shape, key));
        const input: Record<string, unknown> = structuredClone(req);
        const holder = part ? (input[part] as Record<string, unknown>) : input;
        Object.defineProperty(holder, key, { value, enumerable: true, writable: true, configurable: true });
        const e = await driver.createNLB(input as never).catch((x: NLBError) => x);
        expect(e).toMatchObject({ code: 'INVALID_ARGUMENT' });
        expectTidy(e as NLBError);
        const named = (e as NLBError).violations.filter((v) => v.message === 'is not a known field');
        expect(named).toHaveLength(1);
        expect(named[0]?.path.startsWith(part)).toBe(true);
        expect(named[0]?.path.length).toBeGreaterThan(part.length);
      }),
      { numRuns: 1_000 },
    );
  });
});
