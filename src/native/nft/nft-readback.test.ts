/**
 * The read-back's drift rules without a kernel: anything in the owned table that the layout does not
 * declare is a difference, described on one short printable line. The same cases run against a real
 * kernel in test/native/nft-drift.test.ts; the listings here are shaped as nft 1.0.6 prints them.
 */
import { describe, expect, it } from 'vitest';
import { emptyTableListing, nodeState } from '../../../test/native/nft-fixtures.js';
import { buildLayout, defaultMaglev, type LayoutOptions } from './nft-layout.js';
import { diffKernel, parseKernelTable } from './nft-readback.js';

const opts: LayoutOptions = { tableName: 'nlbkit', snatMark: 0x20000000, maglev: defaultMaglev };
const layout = buildLayout(nodeState([]), opts);
const t = { family: 'inet', table: 'nlbkit' };

/** The listing of the table nlbkit writes for a state without services, plus `extra` objects. */
function listing(extra: Record<string, unknown>[] = [], hooks: { postrouting?: string } = {}): string {
  const doc = emptyTableListing();
  if (hooks.postrouting) {
    const post = doc.nftables.find((o) => o.chain?.name === 'postrouting')!;
    post.chain!.policy = hooks.postrouting;
  }
  doc.nftables.push(...(extra as typeof doc.nftables));
  return JSON.stringify(doc);
}
/** Index of the object `kind` named `name` in a parsed listing, for edits in place. */
const at = (json: { nftables: Record<string, { name?: string }>[] }, kind: string, name: string) =>
  json.nftables.findIndex((o) => o[kind]?.name === name);
const diff = (json: string) => diffKernel(parseKernelTable(json), layout, opts);

describe('diffKernel: nothing but what nlbkit renders', () => {
  it('the table as rendered has no difference', () => {
    expect(diff(listing())).toEqual([]);
  });

  it('names each foreign object with what makes it dangerous', () => {
    const hooked = { ...t, name: 'hijack', type: 'nat', hook: 'prerouting', prio: -150, policy: 'accept' };
    const json = listing([
      { chain: hooked },
      { rule: { ...t, chain: 'hijack' } },
      { chain: { ...t, name: 'spare' } },
      { set: { ...t, name: 'allow', type: 'ipv4_addr', elem: ['10.9.9.9', '10.9.9.8'] } },
      { map: { ...t, name: 'redirect', type: 'ipv4_addr', map: 'ipv4_addr' } },
      { counter: { ...t, name: 'seen', packets: 0, bytes: 0 } },
      { quota: { ...t, name: 'cap', bytes: 100 } },
      { flowtable: { ...t, name: 'fast', hook: 'ingress', prio: 0, dev: 'eth0' } },
    ]);
    expect(diff(json)).toEqual([
      'chain hijack: unexpected, type nat hook prerouting priority -150 policy accept, 1 rule',
      'chain spare: unexpected, 0 rules',
      'flowtable fast: unexpected',
      'map redirect: unexpected, holds 0 elements',
      'set allow: unexpected, holds 2 elements',
      'counter seen: unexpected',
      'quota cap: unexpected',
    ]);
  });

  it("a changed policy of nlbkit's base chain, and table flags, are differences", () => {
    expect(diff(listing([], { postrouting: 'drop' }))).toEqual([
      'chain postrouting: type nat hook postrouting priority 100 policy drop, expected type nat hook postrouting priority 100 policy accept',
    ]);
    const dormant = JSON.parse(listing());
    // nft 1.0.6 prints a wrong value for the flags in JSON: any value counts.
    dormant.nftables[1].table.flags = 'Lester Gooch #5';
    expect(diff(JSON.stringify(dormant))).toEqual(['table: has flags (dormant?), expected none']);
  });

  it("a chain of nlbkit's that lost its hook, or got one, is a difference", () => {
    const json = JSON.parse(listing());
    json.nftables[at(json, 'chain', 'postrouting')].chain = { ...t, name: 'postrouting' };
    json.nftables[at(json, 'chain', 'reject_new')].chain = {
      ...t,
      name: 'reject_new',
      type: 'filter',
      hook: 'input',
      prio: 0,
      policy: 'drop',
    };
    expect(diff(JSON.stringify(json))).toEqual([
      'chain postrouting: no hook, expected type nat hook postrouting priority 100 policy accept',
      'chain reject_new: type filter hook input priority 0 policy drop, expected no hook',
    ]);
  });

  it("a rule of nlbkit's replaced by hand (same count, no or another stamp) is a difference", () => {
    const json = JSON.parse(listing());
    const rules = json.nftables.filter((o: { rule?: { chain: string } }) => o.rule?.chain === 'prerouting');
    const stamp = rules[0].rule.comment;
    delete rules[0].rule.comment; // `nft replace rule ... handle N` without a comment
    rules[1].rule.comment = stamp; // another rule's stamp
    expect(diff(JSON.stringify(json))).toEqual(['chain prerouting: rule 1 is not the one nlbkit wrote']);
    rules[0].rule.comment = stamp;
    expect(diff(JSON.stringify(json))).toEqual(['chain prerouting: rule 2 is not the one nlbkit wrote']);
  });

  it('what the kernel names is shown printable and short (no log injection)', () => {
    const name = `evil\n[nlbkit] all good\u2028${'x'.repeat(500)}`;
    const [line] = diff(listing([{ chain: { ...t, name } }]));
    expect(line).toMatch(/^chain evil\?\[nlbkit\] all good\?x+\.\.\.$/);
    expect(line!.length).toBe(200);
  });
});
