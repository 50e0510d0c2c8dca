import { describe, expect, it } from 'vitest';
import { joinPath, QUOTED_MAX_LENGTH, quoteInput } from './input-text.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('quoteInput', () => {
  it('quotes a plain string as it is', () => {
    expect(quoteInput('web-1')).toBe("'web-1'");
  });

  it('escapes newlines, controls, separators, bidi overrides, quotes and backslashes', () => {
    const shown = quoteInput("a\nb\r\tc\u0000\u001b[31m\u0085\u2028\u202e'\\");
    expect(shown).toBe("'a\\nb\\r\\tc\\u0000\\u001b[31m\\u0085\\u2028\\u202e\\'\\\\'");
    expect(shown).not.toMatch(UNSAFE);
  });

  it('cuts a long string and says how long it was', () => {
    const shown = quoteInput(`${'x'.repeat(1_000_000)}\n`);
    expect(shown).toBe(`'${'x'.repeat(QUOTED_MAX_LENGTH)}'... (1000001 characters)`);
    expect(quoteInput('abcdef', 3)).toBe("'abc'... (6 characters)");
  });

  it('escapes a surrogate pair the cut splits, and emoji whole', () => {
    expect(quoteInput('ab💥', 3)).toBe("'ab\\ud83d'... (4 characters)");
    expect(quoteInput('💥')).toBe("'\\ud83d\\udca5'");
  });

  it('shows numbers and booleans as written, anything else by its type, running no user code', () => {
    expect(quoteInput(42)).toBe('42');
    expect(quoteInput(false)).toBe('false');
    expect(quoteInput(null)).toBe('null');
    expect(quoteInput(undefined)).toBe('(undefined)');
    const hostile = {
      toString() {
        throw new Error('ran user code');
      },
    };
    expect(quoteInput(hostile)).toBe('(object)');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(quoteInput(proxy)).toBe('(object)');
  });
});

describe('joinPath', () => {
  it('writes plain keys dotted and indexes in brackets', () => {
    expect(['vmGroup', 'vms', 2, 'nameId'].reduce<string>(joinPath, '')).toBe('vmGroup.vms[2].nameId');
    expect(joinPath('', 0)).toBe('[0]');
  });

  it('quotes any other key in brackets, escaped and cut', () => {
    expect(joinPath('listener', 'bad key')).toBe("listener['bad key']");
    expect(joinPath('', 'a\nb')).toBe("['a\\nb']");
    expect(joinPath('x', '__proto__')).toBe('x.__proto__');
    expect(joinPath('x', 'k'.repeat(100))).toBe(`x['${'k'.repeat(64)}'... (100 characters)]`);
    expect(joinPath('x', Symbol('s'))).toBe("x['s']");
  });
});
