import { describe, expect, it } from 'vitest';
import { backend, nodeState, service } from '../../../test/native/nft-fixtures.js';
import { buildLayout, defaultMaglev, type LayoutOptions } from './nft-layout.js';
import { planFull } from './nft-plan.js';
import { renderRule, ruleStamp } from './nft-render.js';
import { readTableComment, tableComment } from './nft-table.js';

const opts: LayoutOptions = { tableName: 'nlbkit', snatMark: 0x20000000, maglev: defaultMaglev };
const full = (...services: Parameters<typeof service>[0][]) =>
  planFull(buildLayout(nodeState(services.map((s) => service(s))), opts), opts).text;
/** A rule line's stamp (see ruleStamp), tested once below and left out of the other comparisons. */
const STAMP = / comment "nlbkit:[0-9a-f]{12}"$/;
/** The lines of a full transaction that mention `needle`, trimmed, without rule stamps. */
const lines = (text: string, needle: string) =>
  text
    .split('\n')
    .map((l) => l.trim().replace(STAMP, ''))
    .filter((l) => l.includes(needle));

describe('full transaction (golden text)', () => {
  it('renders round robin IPv4 TCP with a backend port different from the listener', () => {
    expect(full({})).toBe(`table inet nlbkit
delete table inet nlbkit
table inet nlbkit {
\tcomment "nlbkit:554f9601f7ce2cc1"
\tmap svc4 {
\t\ttype ipv4_addr . inet_proto . inet_service : verdict
\t\telements = { 10.0.0.1 . tcp . 80 : goto c_rr4tcp_w2 }
\t}
\tmap svc6 {
\t\ttype ipv6_addr . inet_proto . inet_service : verdict
\t}
\tmap m_rr4tcp_w2 {
\t\ttypeof ip daddr . th dport . numgen inc mod 1 : ip daddr . th dport
\t\telements = { 10.0.0.1 . 80 . 0 : 10.1.0.1 . 8080,
\t\t\t10.0.0.1 . 80 . 1 : 10.1.0.2 . 8080 }
\t}
\tchain prerouting {
\t\ttype nat hook prerouting priority dstnat; policy accept;
\t\tip daddr . meta l4proto . th dport vmap @svc4 comment "nlbkit:6cb1996a7939"
\t\tip6 daddr . meta l4proto . th dport vmap @svc6 comment "nlbkit:1feeb76ef12a"
\t}
\tchain output {
\t\ttype nat hook output priority -100; policy accept;
\t\tip daddr . meta l4proto . th dport vmap @svc4 comment "nlbkit:6cb1996a7939"
\t\tip6 daddr . meta l4proto . th dport vmap @svc6 comment "nlbkit:1feeb76ef12a"
\t}
\tchain postrouting {
\t\ttype nat hook postrouting priority srcnat; policy accept;
\t\tmeta mark & 0x20000000 == 0x20000000 masquerade comment "nlbkit:d940e2ae128c"
\t}
\tchain reject_new {
\t\tmeta l4proto tcp reject with tcp reset comment "nlbkit:c18ff5ba5456"
\t\treject comment "nlbkit:084e990a49ba"
\t}
\tchain c_rr4tcp_w2 {
\t\tmeta l4proto tcp dnat ip to ip daddr . th dport . numgen inc mod 2 map @m_rr4tcp_w2 comment "nlbkit:4c1ff54e90f7"
\t}
}
`);
  });

  it('puts services of the same shape in one group: one chain and one map, whatever their number', () => {
    const text = full({ id: 'a' }, { id: 'b', vip: '10.0.0.2' }, { id: 'c', vip: '10.0.0.3', port: 443 });
    expect(lines(text, 'chain c_')).toEqual(['chain c_rr4tcp_w2 {']);
    expect(lines(text, ': goto c_rr4tcp_w2')).toHaveLength(3);
    expect(lines(text, '. 8080')).toHaveLength(6);
  });

  it('weighted round robin: one slot per weight unit (gcd-reduced), interleaved', () => {
    const text = full({ backends: [backend(1, { weight: 2 }), backend(2, { weight: 6 })] });
    expect(lines(text, 'numgen inc mod 4 map')).toHaveLength(1);
    expect(lines(text, '10.0.0.1 . 80 .').map((l) => l.replace(/[,}]/g, '').trim())).toEqual([
      'elements = { 10.0.0.1 . 80 . 0 : 10.1.0.2 . 8080',
      '10.0.0.1 . 80 . 1 : 10.1.0.1 . 8080',
      '10.0.0.1 . 80 . 2 : 10.1.0.2 . 8080',
      '10.0.0.1 . 80 . 3 : 10.1.0.2 . 8080',
    ]);
  });

  it('source hash over IPv6 UDP: explicit seed, fields per hashFields', () => {
    const v6 = {
      vip: 'fd00::1',
      family: 6 as const,
      protocol: 'udp' as const,
      algorithm: 'SOURCE_HASH' as const,
    };
    const bs = [backend(1, { family: 6 }), backend(2, { family: 6 }), backend(3, { family: 6 })];
    const text = full({ ...v6, backends: bs, hashFields: 'SOURCE_IP' });
    expect(lines(text, 'dnat')).toEqual([
      'meta l4proto udp dnat ip6 to ip6 daddr . th dport . jhash ip6 saddr mod 3 seed 0x00001234 map @m_sh6udp_ip_w3',
    ]);
    expect(lines(text, 'goto c_')).toEqual(['elements = { fd00::1 . udp . 80 : goto c_sh6udp_ip_w3 }']);
    expect(lines(full({ ...v6, backends: bs, hashFields: 'SOURCE_IP_PORT' }), 'jhash')[0]).toContain(
      'jhash ip6 saddr . th sport mod 3 seed 0x00001234 map @m_sh6udp_ipport_w3',
    );
    // IPv6 five-tuple hashes saddr . sport (nft 1.0.6 register limit; the rest is constant per service).
    expect(lines(full({ ...v6, backends: bs, hashFields: 'FIVE_TUPLE' }), 'jhash')[0]).toContain(
      'jhash ip6 saddr . th sport mod 3 seed 0x00001234 map @m_sh6udp_5t_w3',
    );
  });

  it('source hash over IPv4: the five-tuple is hashed in full', () => {
    const text = full({ algorithm: 'SOURCE_HASH', hashFields: 'FIVE_TUPLE' });
    expect(lines(text, 'jhash')).toEqual([
      'meta l4proto tcp dnat ip to ip daddr . th dport . jhash ip saddr . th sport . ip daddr . th dport . meta l4proto mod 2 seed 0x00001234 map @m_sh4tcp_5t_w2',
    ]);
  });

  it('maglev: jhash mod M into M slots filled from the Maglev table', () => {
    const text = full({
      algorithm: 'MAGLEV',
      hashFields: 'SOURCE_IP_PORT',
      backends: [backend(2), backend(1)],
    });
    expect(lines(text, 'jhash')).toEqual([
      'meta l4proto tcp dnat ip to ip daddr . th dport . jhash ip saddr . th sport mod 13 seed 0x00001234 map @m_mg4tcp_ipport_m13',
    ]);
    const slots = lines(text, '10.0.0.1 . 80 .');
    expect(slots).toHaveLength(13);
    const table = defaultMaglev(
      [
        { id: 'vm1', weight: 1 },
        { id: 'vm2', weight: 1 },
      ],
      13,
      0x1234,
    );
    slots.forEach((l, i) => {
      expect(l).toContain(`10.0.0.1 . 80 . ${i} : 10.1.0.${table[i]! + 1} . 8080`);
    });
  });

  it('maglev uses an injected table builder', () => {
    const maglev = (_bs: { id: string }[], m: number) => Array.from({ length: m }, (_, i) => (i < 2 ? 1 : 0));
    const text = planFull(
      buildLayout(nodeState([service({ algorithm: 'MAGLEV' })], { maglevTableSize: 5 }), { ...opts, maglev }),
      { ...opts, maglev },
    ).text;
    expect(lines(text, '10.0.0.1 . 80 .').map((l) => l.match(/: (\S+)/)?.[1])).toEqual([
      '10.1.0.2',
      '10.1.0.2',
      '10.1.0.1',
      '10.1.0.1',
      '10.1.0.1',
    ]);
  });

  it('snat: a group of its own that sets the mark, and postrouting masquerades the mark', () => {
    const text = full({ snat: true }, { id: 'plain', vip: '10.0.0.2' });
    expect(lines(text, 'dnat')).toEqual([
      'meta l4proto tcp dnat ip to ip daddr . th dport . numgen inc mod 2 map @m_rr4tcp_w2',
      'meta l4proto tcp meta mark set meta mark | 0x20000000 dnat ip to ip daddr . th dport . numgen inc mod 2 map @m_rr4tcp_w2_snat',
    ]);
    expect(lines(text, 'masquerade')).toEqual(['meta mark & 0x20000000 == 0x20000000 masquerade']);
  });

  it('no backends: new flows go to the reject chain and no slot is written', () => {
    const text = full({ backends: [], protocol: 'udp' });
    expect(lines(text, 'goto')).toEqual(['elements = { 10.0.0.1 . udp . 80 : goto reject_new }']);
    expect(lines(text, 'map m_')).toEqual([]);
    expect(renderRule({ kind: 'reject' })).toEqual(['meta l4proto tcp reject with tcp reset', 'reject']);
  });

  it("roundRobin 'per-service': a chain (own counter) per service, slots still in one shared map", () => {
    const o = { ...opts, roundRobin: 'per-service' as const };
    const st = nodeState([service({ id: 'a-1' }), service({ id: 'b', vip: '10.0.0.2' })]);
    const text = planFull(buildLayout(st, o), o).text;
    expect(lines(text, 'dnat')).toEqual([
      'meta l4proto tcp dnat ip to ip daddr . th dport . numgen inc mod 2 map @m_rr4tcp_w2',
      'meta l4proto tcp dnat ip to ip daddr . th dport . numgen inc mod 2 map @m_rr4tcp_w2',
    ]);
    expect(lines(text, 'chain c_')).toEqual(['chain c_rr4tcp_w2_a_1 {', 'chain c_rr4tcp_w2_b {']);
    expect(lines(text, 'map m_')).toEqual(['map m_rr4tcp_w2 {']);
    expect(lines(text, ': goto c_')).toEqual([
      'elements = { 10.0.0.1 . tcp . 80 : goto c_rr4tcp_w2_a_1,',
      '10.0.0.2 . tcp . 80 : goto c_rr4tcp_w2_b }',
    ]);
  });

  it('stamps the table with a fingerprint of what only a full rebuild can change, and nothing else', () => {
    const stamp = (o: LayoutOptions, over: Parameters<typeof nodeState>[1] = {}, services = [service()]) =>
      tableComment(buildLayout(nodeState(services, over), o));
    const base = stamp(opts);
    expect(base).toMatch(/^nlbkit:[0-9a-f]{16}$/);
    expect(lines(full({}), 'comment')).toEqual([`comment "${base}"`]);
    // Services, backends and algorithms are not in it: the read-back checks those.
    expect(stamp(opts, {}, [service({ algorithm: 'MAGLEV' }), service({ id: 'b', vip: '10.0.0.2' })])).toBe(
      base,
    );
    const others = [
      stamp({ ...opts, tableName: 'other' }),
      stamp({ ...opts, snatMark: 0x10 }),
      stamp({ ...opts, roundRobin: 'per-service' }),
      stamp(opts, { hashSeed: 0x1235 }),
      stamp(opts, { maglevTableSize: 17 }),
    ];
    expect(new Set([base, ...others]).size).toBe(6);
  });

  it('stamps every rule with a digest of its own body, so a rule replaced by hand can be told', () => {
    const text = full(
      { snat: true },
      { id: 'b', vip: '10.0.0.2', algorithm: 'MAGLEV' },
      { id: 'e', vip: '10.0.0.3', backends: [] },
    );
    // Inside map and chain blocks, every line but a type or elements line is a rule.
    const rules = text
      .split('\n')
      .filter((l) => /^\t\t[^\t]/.test(l) && !/^\t\t(type|typeof|elements) /.test(l));
    expect(rules).toHaveLength(9);
    for (const line of rules) {
      const m = /^\t\t(.+) comment "(nlbkit:[0-9a-f]{12})"$/.exec(line);
      expect(m?.[2]).toBe(ruleStamp(m?.[1] ?? ''));
    }
    expect(ruleStamp('reject')).not.toBe(ruleStamp('reject '));
  });

  it('reads the stamp back from the text listing (plain, terse or with handles), nothing else', () => {
    const c = 'nlbkit:0123456789abcdef';
    expect(readTableComment(`table inet nlbkit {\n\tcomment "${c}"\n\tmap svc4 {\n`)).toBe(c);
    expect(readTableComment(`table inet nlbkit { # handle 7\n\tcomment "${c}"\n}\n`)).toBe(c);
    expect(readTableComment('table inet nlbkit {\n\tmap svc4 {\n\t}\n}\n')).toBeUndefined();
    expect(readTableComment(`table inet nlbkit {\n\tchain x {\n\t\tcomment "${c}"\n`)).toBeUndefined();
    expect(readTableComment('table inet nlbkit {\n\tcomment "someone else"\n}\n')).toBeUndefined();
    expect(readTableComment('')).toBeUndefined();
  });
});
