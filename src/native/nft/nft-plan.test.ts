import { describe, expect, it } from 'vitest';
import { backend, nodeState, service } from '../../../test/native/nft-fixtures.js';
import { buildLayout, defaultMaglev, type Layout, type LayoutOptions } from './nft-layout.js';
import { planIncremental } from './nft-plan.js';

const opts: LayoutOptions = { tableName: 'nlbkit', snatMark: 0x20000000, maglev: defaultMaglev };
const maglev = (backends: number[]) =>
  nodeState(
    [service({ algorithm: 'MAGLEV', hashFields: 'FIVE_TUPLE', backends: backends.map((n) => backend(n)) })],
    {
      maglevTableSize: 251,
    },
  );
/** The statements of a plan, one per element, sorted: order within deletes/adds does not matter. */
const statements = (text: string) => {
  const [dels = '', adds = ''] = text.split(/(?=add element)/);
  const items = (part: string) =>
    [...part.matchAll(/(\d+\.\d+\.\d+\.\d+ \. \d+ \. \d+)(?: : ([^,}]+))?/g)].map((m) => m[0].trim()).sort();
  return { dels: items(dels), adds: items(adds) };
};
/** A copy of `layout` whose service elements are reversed: keys no longer line up, forcing the generic diff. */
function misaligned(layout: Layout): Layout {
  const services = new Map(
    [...layout.services].map(([id, s]) => [id, { ...s, elements: [...s.elements].reverse() }]),
  );
  return { ...layout, services };
}

describe('incremental plan', () => {
  it('a Maglev backend change rewrites only changed slots, the same with and without the aligned fast path', () => {
    const before = buildLayout(maglev([1, 2, 3, 4, 5]), opts);
    const after = buildLayout(maglev([1, 2, 4, 5]), opts, before);
    const groups = new Set(before.groups.keys());
    const fast = planIncremental(before, groups, after, opts);
    const generic = planIncremental(misaligned(before), groups, after, opts);
    expect(fast.mode).toBe('incremental');
    expect(statements(fast.text)).toEqual(statements(generic.text));
    // Every slot of the removed backend moved, and nothing else is touched beyond the changed slots.
    const { dels, adds } = statements(fast.text);
    expect(dels.length).toBe(adds.length);
    expect(dels.length).toBeGreaterThanOrEqual(Math.floor(251 / 5));
    expect(dels.length).toBeLessThan(251);
    expect(fast.text).not.toContain('delete element inet nlbkit svc4');
  });

  it('an unchanged service yields no statement', () => {
    const before = buildLayout(maglev([1, 2, 3]), opts);
    const same = buildLayout(maglev([1, 2, 3]), opts);
    expect(planIncremental(before, new Set(before.groups.keys()), same, opts).mode).toBe('none');
  });
});

describe('incremental plan: groups no service uses', () => {
  const rr = (ids: string[]) => nodeState(ids.map((id, i) => service({ id, vip: `10.0.0.${i + 1}` })));

  it('deletes the chain and the map of a group left unused, after the elements that used it', () => {
    const before = buildLayout(rr(['a']), opts);
    const after = buildLayout(
      nodeState([service({ id: 'a', vip: '10.0.0.1', algorithm: 'MAGLEV', hashFields: 'FIVE_TUPLE' })], {
        maglevTableSize: 251,
      }),
      opts,
      before,
    );
    const [gone] = [...before.groups.keys()];
    const plan = planIncremental(before, new Set(before.groups.keys()), after, opts);
    const lines = plan.text.split('\n');
    const delChain = lines.indexOf(`delete chain inet nlbkit c_${gone}`);
    expect(delChain).toBeGreaterThan(lines.findIndex((l) => l.startsWith('delete element')));
    expect(lines.indexOf(`delete map inet nlbkit m_${gone}`)).toBeGreaterThan(delChain);
    expect(plan.groups.has(gone as string)).toBe(false);
  });

  it('keeps a map per-service round-robin chains still share', () => {
    const per: LayoutOptions = { ...opts, roundRobin: 'per-service' };
    const before = buildLayout(rr(['a', 'b']), per);
    const after = buildLayout(rr(['a']), per, before);
    const plan = planIncremental(before, new Set(before.groups.keys()), after, per);
    expect(plan.text).toMatch(/^delete chain inet nlbkit c_\S+_b$/m);
    expect(plan.text).not.toMatch(/^delete map /m);
    expect([...plan.groups]).toEqual([...after.groups.keys()]);
  });

  it('keeps a group the kernel holds that the previous layout does not know (its map name is unknown)', () => {
    const before = buildLayout(rr(['a']), opts);
    const plan = planIncremental(before, new Set([...before.groups.keys(), 'left_by_older']), before, opts);
    expect(plan.mode).toBe('none');
    expect(plan.groups.has('left_by_older')).toBe(true);
  });
});
