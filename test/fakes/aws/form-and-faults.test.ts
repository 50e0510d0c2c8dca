import { describe, expect, it } from 'vitest';
import { AwsFault } from './errors.js';
import { FaultInjector } from './faults.js';
import { decodeForm, Params } from './form.js';

describe('AWS fake: form decoding', () => {
  it('decodes + and percent escapes and orders list members by index, not wire order', () => {
    const raw = decodeForm('Names.member.10=j&Names.member.2=b+c&Names.member.1=a%26z&Other=1');
    const p = new Params(raw);
    expect(p.list('Names.member')).toEqual(['a&z', 'b c', 'j']);
    expect(p.str('Other')).toBe('1');
  });

  it('groups structure lists, including nested lists', () => {
    const p = new Params(
      decodeForm(
        'DefaultActions.member.1.Type=forward&DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn=x',
      ),
    );
    const [action] = p.structs('DefaultActions.member');
    expect(action?.req('Type')).toBe('forward');
    expect(action?.structs('ForwardConfig.TargetGroups.member').map((t) => t.req('TargetGroupArn'))).toEqual([
      'x',
    ]);
  });

  it('rejects missing and non-integer values with ValidationError', () => {
    const p = new Params({ Port: '8o' });
    expect(() => p.int('Port')).toThrow(AwsFault);
    expect(() => p.req('Name')).toThrow(/Value null at 'Name'/);
    expect(new Params({ Port: '80' }).int('Port')).toBe(80);
  });
});

describe('AWS fake: fault injector', () => {
  const throttle = { code: 'Throttling', status: 400 };

  it('fails the nth..nth+times-1 calls of one action only, then forgets the rule', () => {
    const f = new FaultInjector();
    f.failOn('A', { code: 'X', nth: 2, times: 2 });
    const seen = ['A', 'B', 'A', 'A', 'A', 'A'].map((a) => f.check(a, throttle)?.code ?? '-');
    expect(seen).toEqual(['-', '-', 'X', 'X', '-', '-']);
  });

  it('throttles before failOn counts, and * matches every action', () => {
    const f = new FaultInjector();
    f.failOn('A', { code: 'X' });
    f.throttle('*', 1);
    expect(f.check('A', throttle)?.code).toBe('Throttling');
    expect(f.check('A', throttle)?.code).toBe('X');
    expect(f.check('A', throttle)).toBeUndefined();
  });

  it('rejects nonsense rule counts', () => {
    const f = new FaultInjector();
    expect(() => f.failOn('A', { code: 'X', nth: 0 })).toThrow();
    expect(() => f.failOn('A', { code: 'X', times: 0 })).toThrow();
  });
});
