/**
 * The dsr table's per-service delta (renderDsrDelta): a change touches only the slots whose backend
 * changed, and applied step after step it leaves exactly the slots a whole replacement leaves. The
 * data plane's use of it against a real kernel: test/native/nft-dsr.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { BackendSpec, ServiceSpec } from '../model.js';
import { renderDsrDelta, renderDsrElements } from './nft-dsr.js';
import { defaultMaglev } from './nft-layout.js';

const M = 251;
const tables = { hashSeed: 0x5eed, maglevTableSize: M };
const backends = (ids: number[]): BackendSpec[] =>
  ids.map((i) => ({ id: `b${i}`, address: `10.1.0.${i}`, port: 80, weight: 1 }));
const svc = (n: number, ids: number[], over: Partial<ServiceSpec> = {}): ServiceSpec => ({
  id: `s${n}`,
  vip: `10.0.0.${n}`,
  family: 4,
  protocol: 'tcp',
  port: 80,
  algorithm: 'MAGLEV',
  hashFields: 'FIVE_TUPLE',
  snat: false,
  forwarding: 'dsr',
  backends: backends(ids),
  ...over,
});
const render = (services: ServiceSpec[]) => renderDsrElements('nlbkit', services, tables, defaultMaglev);

/** The slot keys a delta line deletes or adds, per map. */
function slotKeys(text: string, verb: 'delete' | 'add') {
  const out: string[] = [];
  for (const m of text.matchAll(new RegExp(`^${verb} element \\S+ \\S+ (slot_\\w+) \\{ (.*) \\}$`, 'gm')))
    for (const item of m[2]!.split(', ')) out.push(`${m[1]} ${item.split(' : ')[0]}`);
  return out;
}

describe('dsr delta rendering', () => {
  it('one backend added to one of three services: only its moved slots, nothing of the others', () => {
    const before = [svc(1, [1, 2, 3]), svc(2, [1, 2, 3]), svc(3, [4, 5], { protocol: 'udp' })];
    const after = [svc(1, [1, 2, 3, 6]), before[1]!, before[2]!];
    const old = render(before);
    const now = render(after);
    const moved = [...now.slots.get('10.0.0.1 . tcp . 80')!.marks].filter(
      (mark, i) => mark !== old.slots.get('10.0.0.1 . tcp . 80')!.marks[i],
    ).length;
    expect(moved).toBeGreaterThan(M / 8); // ~M/4 slots go to the new backend
    expect(moved).toBeLessThan(M / 2);
    const delta = renderDsrDelta(old, now);
    const deleted = slotKeys(delta.text, 'delete');
    const added = slotKeys(delta.text, 'add');
    expect(deleted).toHaveLength(moved);
    expect(added).toEqual(deleted);
    expect(deleted.every((k) => k.startsWith('slot_tcp 10.0.0.1 . 80 . '))).toBe(true);
    // The whole replacement writes every slot of every service.
    expect(now.statements).toBeGreaterThan(3 * M);
    expect(delta.statements).toBeLessThan(2 * moved + 20); // each moved slot: one delete, one add
    // The small maps are replaced whole: the new backend's hop is there.
    expect(delta.text).toContain('0x0a010006 : 10.1.0.6');
  });

  it('a service gone is deleted slot by slot, a service new is added whole, an unchanged one untouched', () => {
    const old = render([svc(1, [1, 2]), svc(2, [1, 2])]);
    const now = render([svc(2, [1, 2]), svc(3, [1, 2])]);
    const delta = renderDsrDelta(old, now);
    expect(slotKeys(delta.text, 'delete')).toHaveLength(M);
    expect(slotKeys(delta.text, 'delete').every((k) => k.includes(' 10.0.0.1 . 80 . '))).toBe(true);
    expect(slotKeys(delta.text, 'add')).toHaveLength(M);
    expect(slotKeys(delta.text, 'add').every((k) => k.includes(' 10.0.0.3 . 80 . '))).toBe(true);
    expect(renderDsrDelta(now, now).text).not.toMatch(/slot_/);
  });
});

/**
 * The slot maps after `script`, applied to `maps` as nft applies it: `flush` empties a map, `delete
 * element` of an absent key and `add element` of a present one fail (the delta never relies on nft
 * overwriting a value).
 */
function applySlots(maps: Map<string, Map<string, string>>, script: string) {
  for (const line of script.split('\n')) {
    const flush = /^flush map \S+ \S+ (slot_\w+)$/.exec(line);
    if (flush) maps.set(flush[1]!, new Map());
    const el = /^(add|delete) element \S+ \S+ (slot_\w+) \{ (.*) \}$/.exec(line);
    if (!el) continue;
    const map = maps.get(el[2]!) ?? new Map<string, string>();
    maps.set(el[2]!, map);
    for (const item of el[3]!.split(', ')) {
      const [key, value] = item.split(' : ') as [string, string | undefined];
      if (el[1] === 'delete' && !map.delete(key)) throw new Error(`delete of absent ${key}`);
      if (el[1] === 'add') {
        if (map.has(key)) throw new Error(`add of present ${key}`);
        map.set(key, value!);
      }
    }
  }
  return maps;
}

describe('dsr rendering after an earlier one', () => {
  it('builds the Maglev table of changed services only, and renders what a fresh rendering does', () => {
    const built: string[] = [];
    const counting: typeof defaultMaglev = (backends, size, seed) => {
      built.push(backends.map((b) => b.id).join());
      return defaultMaglev(backends, size, seed);
    };
    const first = [svc(1, [1, 2, 3]), svc(2, [1, 2]), svc(3, [4, 5], { protocol: 'udp' })];
    const old = renderDsrElements('nlbkit', first, tables, counting);
    expect(built).toHaveLength(3);
    built.length = 0;
    // Service 1 gains a backend; service 3 keeps its ids but one address changes (another mark).
    const next = [
      svc(1, [1, 2, 3, 6]),
      svc(2, [1, 2]),
      svc(3, [4, 5], {
        protocol: 'udp',
        backends: [...backends([4]), { id: 'b5', address: '10.1.0.9', port: 80, weight: 1 }],
      }),
    ];
    const now = renderDsrElements('nlbkit', next, tables, counting, false, old);
    expect(built).toEqual(['b1,b2,b3,b6', 'b4,b5']);
    expect(now.slots.get('10.0.0.2 . tcp . 80')!.marks).toBe(old.slots.get('10.0.0.2 . tcp . 80')!.marks);
    expect(now.text).toBe(render(next).text);
    // Another seed is another table for every service.
    built.length = 0;
    renderDsrElements('nlbkit', next, { ...tables, hashSeed: 1 }, counting, false, now);
    expect(built).toHaveLength(3);
  });
});

describe('dsr deltas applied one after another', () => {
  const udp5 = { protocol: 'udp' as const };
  const steps: [string, ServiceSpec[]][] = [
    ['first', [svc(1, [1, 2, 3]), svc(2, [1, 2]), svc(3, [4, 5], udp5)]],
    ['backend added', [svc(1, [1, 2, 3, 6]), svc(2, [1, 2]), svc(3, [4, 5], udp5)]],
    ['backend removed', [svc(1, [1, 3, 6]), svc(2, [1, 2]), svc(3, [4, 5], udp5)]],
    [
      'weight changed',
      [
        svc(1, [1, 3, 6]),
        svc(2, [1, 2]),
        svc(3, [], { ...udp5, backends: [...backends([4]), { ...backends([5])[0]!, weight: 3 }] }),
      ],
    ],
    ['service gone, service new', [svc(1, [1, 3, 6]), svc(4, [7]), svc(3, [4, 5], udp5)]],
    ['no backends left in one', [svc(1, []), svc(4, [7]), svc(3, [4, 5], udp5)]],
    ['all back', [svc(1, [1, 2]), svc(2, [1, 2]), svc(4, [7])]],
  ];

  it('leave the slot maps a whole replacement leaves, at every step', () => {
    let applied = render(steps[0]![1]);
    const maps = applySlots(new Map(), applied.text);
    for (const [what, services] of steps.slice(1)) {
      // As the data plane renders: unchanged services share the earlier rendering's slots.
      const now = renderDsrElements('nlbkit', services, tables, defaultMaglev, false, applied);
      applySlots(maps, renderDsrDelta(applied, now).text);
      expect(maps, what).toEqual(applySlots(new Map(), render(services).text));
      applied = now;
    }
  });
});
