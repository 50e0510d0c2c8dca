/**
 * The probe path's lanes against a model of the probe namespace's routing (rules, tables, links): what
 * sync() runs for dsr and tunnel lanes, in which order, and what it leaves when any one command fails
 * (every step in turn): a lane is either in place whole or reported failed with no rule, no ipip device
 * is left that no lane uses, and the next sync puts everything in place. The real kernel runs the same
 * lanes in test/native/dsr-health-path.test.ts (dsr) and the VM's tunnel test (tunnel).
 */
import { describe, expect, it } from 'vitest';
import type { Executor } from '../executor/types.js';
import { createDsrProbePath } from './dsr-probe-path.js';
import { type DsrLane, OUTER_TABLE, TABLE_BASE } from './dsr-probe-plan.js';

/** The probe namespace as `ip` sees it, and a host that fails the command numbered `failAt`. */
class ProbeModel {
  readonly rules = new Set<string>();
  readonly routes = new Map<string, Set<string>>();
  readonly links = new Set<string>();
  readonly log: string[] = [];
  failAt = -1;
  count = 0;

  readonly host: Executor = {
    where: 'model',
    run: async (argv) => {
      const inner = argv[1] === 'netns' && argv[2] === 'exec' ? argv.slice(4) : [...argv];
      if (inner[1] === 'netns') return { code: 0, stdout: '', stderr: '' }; // add/del the namespace
      const n = this.count++;
      this.log.push(inner.join(' '));
      if (n === this.failAt) return { code: 2, stdout: '', stderr: 'injected' };
      return this.apply(inner) ? { code: 0, stdout: '', stderr: '' } : { code: 2, stdout: '', stderr: 'no' };
    },
  };

  apply(a: readonly string[]): boolean {
    const table = a[a.indexOf('table') + 1] ?? 'main';
    const key = a.slice(3).join(' ');
    if (a[1] === 'rule' && a[2] === 'add') return !this.rules.has(key) && !!this.rules.add(key);
    if (a[1] === 'rule' && a[2] === 'del') return this.rules.delete(key);
    if (a[1] === 'route' && a[2] === 'replace') {
      const dev = a[a.indexOf('dev') + 1];
      if (a.includes('dev') && dev !== 'nlbkitp0' && !this.links.has(dev!)) return false;
      const set = this.routes.get(table) ?? new Set();
      this.routes.set(table, set.add(a[3] === 'unreachable' ? 'unreachable' : a[3]!));
      return true;
    }
    if (a[1] === 'route' && a[2] === 'flush') return this.routes.delete(table) || true;
    if (a[1] === 'link' && a[2] === 'add' && a[3] === 'name')
      return !this.links.has(a[4]!) && !!this.links.add(a[4]!);
    if (a[1] === 'link' && a[2] === 'set' && a[3] === 'dev') return this.links.has(a[4]!);
    if (a[1] === 'link' && a[2] === 'del' && a[3] === 'dev') return this.links.delete(a[4]!);
    return true; // open()'s own steps
  }

  /** The problems of `lanes` against the model, given the keys sync reported failed. */
  problems(lanes: readonly DsrLane[], failed: ReadonlyMap<string, string>): string[] {
    const out: string[] = [];
    const ruleOf = (l: DsrLane) =>
      `pref 1000 ipproto ${l.ipproto} sport ${l.localPort} lookup ${TABLE_BASE + l.localPort}`;
    const used = new Set<string>();
    for (const l of lanes) {
      const has = this.rules.has(ruleOf(l));
      if (failed.has(l.key)) {
        if (has) out.push(`${l.key} failed but its rule is there`);
        continue;
      }
      if (!has) out.push(`${l.key}: no rule`);
      if (!this.routes.get(String(TABLE_BASE + l.localPort))?.has(`${l.vip}/32`))
        out.push(`${l.key}: no route`);
      if (l.mode === 'tunnel') {
        const dev = `nlt${l.backend
          .split('.')
          .map((x) => Number(x).toString(16).padStart(2, '0'))
          .join('')}`;
        used.add(dev);
        if (!this.links.has(dev)) out.push(`${l.key}: no device ${dev}`);
        if (!this.rules.has(`pref 1000 ipproto 4 lookup ${OUTER_TABLE}`)) out.push(`${l.key}: no outer rule`);
      }
    }
    for (const d of this.links) if (!used.has(d)) out.push(`device ${d} is left over`);
    return out;
  }
}

const lane = (
  key: string,
  localPort: number,
  backend: string,
  mode: 'dsr' | 'tunnel' = 'tunnel',
): DsrLane => ({
  key,
  mode,
  vip: '198.51.100.10',
  backend,
  ipproto: 'tcp',
  localPort,
});
const lanes = [
  lane('web/a', 61000, '10.78.0.11'),
  lane('api/a', 61001, '10.78.0.11'),
  lane('web/b', 61002, '10.78.0.12'),
  lane('web/d', 61003, '10.0.1.13', 'dsr'),
];

async function opened(model: ProbeModel, gateway?: string) {
  const path = createDsrProbePath({
    executor: model.host,
    host: model.host,
    egress: 'eth1',
    address: '10.0.1.250',
    ...(gateway ? { gateway } : {}),
    netns: 'probe-model',
  });
  await path.open();
  model.log.length = 0;
  model.count = 0;
  return path;
}

describe('probe path: tunnel lanes', () => {
  it('routes the outer packets once, makes one device per backend before its lanes, none for dsr', async () => {
    const model = new ProbeModel();
    const path = await opened(model, '10.0.1.254');
    expect(await path.sync(lanes)).toEqual(new Map());
    expect(model.problems(lanes, new Map())).toEqual([]);
    expect(model.log.slice(0, 6)).toEqual([
      `ip route replace default via 10.0.1.254 dev nlbkitp0 onlink table ${OUTER_TABLE}`,
      `ip rule add pref 1000 ipproto 4 lookup ${OUTER_TABLE}`,
      'ip link add name nlt0a4e000b type ipip remote 10.78.0.11 local 10.0.1.250',
      'ip link set dev nlt0a4e000b up',
      'ip link add name nlt0a4e000c type ipip remote 10.78.0.12 local 10.0.1.250',
      'ip link set dev nlt0a4e000c up',
    ]);
    expect([...model.links].sort()).toEqual(['nlt0a4e000b', 'nlt0a4e000c']);
    // Nothing changed: nothing runs.
    model.log.length = 0;
    expect(await path.sync(lanes)).toEqual(new Map());
    expect(model.log).toEqual([]);
  });

  it("keeps a backend's device while a lane uses it; removes it after its last lane's rule", async () => {
    const model = new ProbeModel();
    const path = await opened(model);
    await path.sync(lanes);
    await path.sync(lanes.filter((l) => l.key !== 'web/a'));
    expect(model.links.has('nlt0a4e000b')).toBe(true);
    model.log.length = 0;
    const rest = lanes.filter((l) => l.backend !== '10.78.0.11');
    await path.sync(rest);
    expect(model.problems(rest, new Map())).toEqual([]);
    expect(model.log.at(-1)).toBe('ip link del dev nlt0a4e000b');
    expect(model.log.indexOf('ip link del dev nlt0a4e000b')).toBeGreaterThan(
      model.log.findIndex((l) => l.startsWith('ip rule del')),
    );
    // A lane that moves to another backend (same key) takes the new device, and the old one goes.
    await path.sync([...rest, { ...lanes[1]!, backend: '10.78.0.14' }]);
    expect([...model.links].sort()).toEqual(['nlt0a4e000c', 'nlt0a4e000e']);
  });

  it('a failure at any step leaves whole lanes or failed ones, no stray device; the next sync heals', async () => {
    const clean = new ProbeModel();
    await (await opened(clean)).sync(lanes);
    const steps = clean.count;
    expect(steps).toBeGreaterThan(10);
    for (let step = 0; step < steps; step++) {
      const model = new ProbeModel();
      const path = await opened(model);
      model.failAt = step;
      const failed = await path.sync(lanes);
      expect(failed.size, `step ${step}: ${model.log[step]}`).toBeGreaterThan(0);
      expect(model.problems(lanes, failed), `step ${step}: ${model.log[step]}`).toEqual([]);
      // Only what the failed step touches fails: a dsr lane never fails for a tunnel device.
      const dsrStep = ['sport 61003', `table ${TABLE_BASE + 61003}`].some((w) =>
        model.log[step]!.includes(w),
      );
      if (!dsrStep) expect(failed.has('web/d'), `step ${step}`).toBe(false);
      model.failAt = -1;
      expect(await path.sync(lanes), `step ${step}, again`).toEqual(new Map());
      expect(model.problems(lanes, new Map()), `step ${step}, again`).toEqual([]);
    }
  });

  it('names the failed step in the reason', async () => {
    const model = new ProbeModel();
    const path = await opened(model);
    model.failAt = 2; // the first device
    const failed = await path.sync(lanes);
    expect([...failed.keys()].sort()).toEqual(['api/a', 'web/a']);
    expect(failed.get('web/a')).toMatch(/ip link add name nlt0a4e000b .*failed: injected/);
  });
});
