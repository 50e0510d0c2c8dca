import { describe, expect, it } from 'vitest';
import { MAX_VIOLATIONS_IN_MESSAGE, type NLBError } from './errors.js';
import { createRequestSchema, listenerSchema, MAX_UNKNOWN_FIELDS_NAMED, parseInput } from './schemas.js';

const ctx = { driver: 'test', operation: 'op' };
const rejection = (run: () => unknown): NLBError => {
  try {
    run();
  } catch (e) {
    return e as NLBError;
  }
  throw new Error('expected a rejection');
};

describe('parseInput', () => {
  it('names each unknown field in its own violation path', () => {
    const e = rejection(() =>
      parseInput(
        listenerSchema,
        { protocol: 'TCP', port: 80, bogus: 1, 'two words': 2 },
        { ...ctx, root: 'listener' },
      ),
    );
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.violations).toEqual([
      { path: 'listener.bogus', message: 'is not a known field', code: 'INVALID_ARGUMENT' },
      { path: "listener['two words']", message: 'is not a known field', code: 'INVALID_ARGUMENT' },
    ]);
  });

  it('quotes and cuts a hostile field name in paths and the message', () => {
    const key = `a\n[nlbkit] forged line${'x'.repeat(1_000_000)}`;
    const e = rejection(() => parseInput(listenerSchema, { protocol: 'TCP', port: 80, [key]: 1 }, ctx));
    expect(e.violations[0]?.path).toBe(
      `['a\\n[nlbkit] forged line${'x'.repeat(64 - 22)}'... (1000022 characters)]`,
    );
    expect(e.message).not.toContain('\n');
    expect(e.message.length).toBeLessThan(300);
  });

  it('names at most a few unknown fields one by one and counts the rest', () => {
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`f${i}`, i]));
    const e = rejection(() => parseInput(listenerSchema, { protocol: 'TCP', port: 80, ...many }, ctx));
    expect(e.violations).toHaveLength(MAX_UNKNOWN_FIELDS_NAMED + 1);
    expect(e.violations.at(-1)).toMatchObject({
      path: '',
      message: `and ${500 - MAX_UNKNOWN_FIELDS_NAMED} more unknown field(s)`,
    });
  });

  it('lists at most a few violations in the message; violations holds every one', () => {
    const vms = Array.from({ length: 50 }, (_, i) => ({ nameId: `-bad${i}` }));
    const e = rejection(() =>
      parseInput(
        createRequestSchema,
        {
          iid: { nameId: 'web' },
          listener: { protocol: 'TCP', port: 80 },
          vmGroup: { protocol: 'TCP', port: 80, vms },
          healthChecker: { protocol: 'TCP' },
        },
        ctx,
      ),
    );
    expect(e.violations.length).toBe(50);
    expect(e.message.split('; ')).toHaveLength(MAX_VIOLATIONS_IN_MESSAGE + 1);
    expect(e.message).toMatch(/; and 40 more \(see violations\)$/);
  });

  it('turns a getter that throws into INVALID_ARGUMENT naming the field', () => {
    const listener = Object.defineProperty({ protocol: 'TCP' }, 'port', {
      enumerable: true,
      get() {
        throw new Error('secret-ish detail');
      },
    });
    const e = rejection(() => parseInput(listenerSchema, listener, { ...ctx, root: 'listener' }));
    expect(e).toMatchObject({ name: 'NLBError', code: 'INVALID_ARGUMENT', cause: undefined });
    expect(e.violations).toEqual([
      {
        path: 'listener.port',
        message: 'could not be read (a getter or proxy trap threw)',
        code: 'INVALID_ARGUMENT',
      },
    ]);
    expect(e.message).not.toContain('secret-ish');
  });
});
