import { describe, expect, it } from 'vitest';
import { MAX_INPUT_DEPTH, MAX_INPUT_VALUES, readInput } from './read-input.js';

const throwing = (key: string, thrown: unknown = new Error('no')) =>
  Object.defineProperty({}, key, {
    enumerable: true,
    get() {
      throw thrown;
    },
  });
const revoked = () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};
const failure = (input: unknown, root = '') => {
  const r = readInput(input, root);
  if (r.ok) throw new Error('expected a violation');
  return r.violation;
};

describe('readInput', () => {
  it('copies data into plain objects and arrays, keeping a __proto__ key as a key', () => {
    const input = JSON.parse('{"a":[1,{"b":"c"}],"__proto__":{"polluted":true},"n":null}');
    const r = readInput(input);
    expect(r.ok).toBe(true);
    const value = (r as { value: Record<string, unknown> }).value;
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.keys(value)).toEqual(['a', '__proto__', 'n']);
    expect(JSON.stringify(value)).toBe(JSON.stringify(input));
    expect(value.a).not.toBe(input.a);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads own enumerable keys only, as JSON.stringify does', () => {
    const input = Object.create({ inherited: 1 });
    input.own = 2;
    Object.defineProperty(input, 'hidden', { value: 3, enumerable: false });
    expect(readInput(input)).toEqual({ ok: true, value: Object.assign(Object.create(null), { own: 2 }) });
  });

  it('reads every property once, so what is validated is what was read', () => {
    let reads = 0;
    const input = {
      get port() {
        reads += 1;
        return reads === 1 ? 80 : 'changed';
      },
    };
    const r = readInput({ listener: input });
    expect(r).toMatchObject({ ok: true, value: { listener: { port: 80 } } });
    expect(reads).toBe(1);
  });

  it('names where a getter or a proxy trap threw', () => {
    expect(failure({ iid: throwing('nameId') }, 'req')).toEqual({
      path: 'req.iid.nameId',
      message: 'could not be read (a getter or proxy trap threw)',
      code: 'INVALID_ARGUMENT',
    });
    expect(failure(revoked()).path).toBe('');
    expect(failure({ vms: [{}, revoked()] }).path).toBe('vms[1]');
    const throwsAt1 = Object.defineProperty([1, 2], 1, {
      get() {
        throw revoked();
      },
    });
    expect(failure({ vms: throwsAt1 }).path).toBe('vms[1]');
    const noKeys = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no');
        },
      },
    );
    expect(failure({ listener: noKeys }).path).toBe('listener');
    expect(failure({ 'bad\nkey': throwing('x') }).path).toBe("['bad\\nkey'].x");
  });

  it('refuses a proxied array whose length lies, functions, deep nesting and endless input', () => {
    const lying = new Proxy([], { get: (t, k) => (k === 'length' ? -1 : Reflect.get(t, k)) });
    expect(failure({ vms: lying }).message).toBe('is an array with an invalid length');
    expect(failure({ f: () => 1 })).toMatchObject({ path: 'f', message: 'must be data, not a function' });
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(failure(cycle).message).toBe(`is nested too deeply (more than ${MAX_INPUT_DEPTH} levels)`);
    expect(failure({ vms: new Array(2 ** 32 - 1) }).message).toBe(
      `makes the input too large (more than ${MAX_INPUT_VALUES} values)`,
    );
  });

  it('reads a well-behaved proxy like its target', () => {
    const target = { nameId: 'web', list: [1, 2] };
    expect(readInput(new Proxy(target, {}))).toEqual(readInput(target));
  });
});
