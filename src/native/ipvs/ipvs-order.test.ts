import { describe, expect, it } from 'vitest';
import { compareEndpoints, reorder } from './ipvs-order.js';

describe('canonical real-server order (mh)', () => {
  it('sorts by address text, then port, IPv6 without brackets', () => {
    const eps = ['10.1.0.9:80', '10.1.0.10:80', '10.1.0.1:81', '10.1.0.1:80'];
    expect([...eps].sort(compareEndpoints)).toEqual([
      '10.1.0.1:80',
      '10.1.0.1:81',
      '10.1.0.10:80',
      '10.1.0.9:80',
    ]);
    expect(['[fd00::b]:53', '[fd00::a]:53'].sort(compareEndpoints)).toEqual(['[fd00::a]:53', '[fd00::b]:53']);
  });

  it('changes nothing on a canonical list, and adds only a server that sorts above the rest', () => {
    expect(reorder(['10.1.0.2:80', '10.1.0.1:80'], ['10.1.0.2:80', '10.1.0.1:80'])).toEqual({
      readd: [],
      add: [],
    });
    expect(reorder(['10.1.0.2:80', '10.1.0.1:80'], ['10.1.0.2:80', '10.1.0.1:80', '10.1.0.3:80'])).toEqual({
      readd: [],
      add: ['10.1.0.3:80'],
    });
    // A fresh build: everything, ascending.
    expect(reorder([], ['10.1.0.2:80', '10.1.0.1:80'])).toEqual({
      readd: [],
      add: ['10.1.0.1:80', '10.1.0.2:80'],
    });
  });

  it('re-adds the servers that must follow one that lands in the middle, and mends a list out of order', () => {
    const kernel = ['10.1.0.4:80', '10.1.0.2:80', '10.1.0.1:80'];
    expect(reorder(kernel, [...kernel, '10.1.0.3:80'])).toEqual({
      readd: ['10.1.0.4:80'],
      add: ['10.1.0.3:80', '10.1.0.4:80'],
    });
    expect(reorder(['10.1.0.1:80', '10.1.0.2:80'], ['10.1.0.1:80', '10.1.0.2:80'])).toEqual({
      readd: ['10.1.0.1:80', '10.1.0.2:80'],
      add: ['10.1.0.1:80', '10.1.0.2:80'],
    });
  });
});
