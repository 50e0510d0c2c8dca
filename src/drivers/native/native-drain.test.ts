import { describe, expect, it } from 'vitest';
import { makeRecord } from '../../../test/native/store-record.js';
import { DRAIN_RECORD_GRACE_MS, drainingAfter } from './native-drain.js';

const before = makeRecord('web', { vms: { a: '10.0.0.1', b: '10.0.0.2', c: '10.0.0.3' } });
const group = (vms: Record<string, string>) => makeRecord('web', { vms });

describe('drainingAfter', () => {
  it('records each backend a write takes out, ending drainSec after now', () => {
    expect(drainingAfter(before, group({ a: '10.0.0.1' }), 30, 1000)).toEqual([
      { id: 'b', address: '10.0.0.2', port: 8080, until: 31_000 },
      { id: 'c', address: '10.0.0.3', port: 8080, until: 31_000 },
    ]);
  });

  it('records nothing without a drain timeout (connections go on, as before draining existed)', () => {
    expect(drainingAfter(before, group({ a: '10.0.0.1' }), undefined, 1000)).toEqual([]);
  });

  it('keeps a running drain, forgets it once back in the group or past the grace time', () => {
    const draining = structuredClone(before);
    draining.service.draining = [{ id: 'x', address: '10.0.0.9', port: 8080, until: 5000 }];
    const same = structuredClone(draining);
    expect(drainingAfter(draining, same, 30, 6000)).toEqual(draining.service.draining);
    expect(drainingAfter(draining, same, 30, 5000 + DRAIN_RECORD_GRACE_MS)).toEqual([]);
    const back = group({ a: '10.0.0.1', b: '10.0.0.2', c: '10.0.0.3', x: '10.0.0.9' });
    expect(drainingAfter(draining, back, 30, 6000)).toEqual([]);
  });

  it('a group port change drains every backend on its old port', () => {
    const moved = structuredClone(before);
    moved.service.backendPort = 9090;
    expect(drainingAfter(before, moved, 0, 1000).map((d) => `${d.id}:${d.port}:${d.until}`)).toEqual([
      'a:8080:1000',
      'b:8080:1000',
      'c:8080:1000',
    ]);
  });
});
