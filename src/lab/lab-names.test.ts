/** Lab namespace names without root: a name outside the registry is refused before `ip` runs. */
import { describe, expect, it } from 'vitest';
import { LAB_PREFIXES, type LabPrefix, makeNamespace, nextLabId } from './lab-names.js';

describe('lab namespace names', () => {
  it('gives each lab id this process and a fresh number', () => {
    const a = nextLabId(LAB_PREFIXES.demo);
    const b = nextLabId(LAB_PREFIXES.demo);
    expect(a).toMatch(new RegExp(`^nlbk-demo-${process.pid}-\\d+$`));
    expect(b).not.toBe(a);
  });

  it.each([
    ['an unregistered prefix', `nlbk-other-${process.pid}-1`, 'x'],
    ['a role with upper case', nextLabId(LAB_PREFIXES.test), 'Bad'],
    ['a role with a dash', nextLabId(LAB_PREFIXES.test), 'a-b'],
    ['an id without a counter', `${LAB_PREFIXES.e2e}-${process.pid}`, 'x'],
  ])('refuses %s (the sweeper could never remove it)', (_what, id, role) => {
    expect(() => makeNamespace(id as LabPrefix, role)).toThrow(/not a lab namespace name/);
  });
});
