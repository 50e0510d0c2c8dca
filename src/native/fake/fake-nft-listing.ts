/**
 * How the fake lists its ruleset: canonical text (tables, maps, flowtables and chains sorted by name,
 * elements sorted, rules in order), which is also a script the fake can apply again, and the JSON of
 * `nft -j list` in nft 1.0.6's shape (rules carry their handle and comment but no `expr`: the fake keeps
 * rule bodies as text).
 */
import {
  type FakeChain,
  type FakeMap,
  type FakeRuleset,
  type FakeTable,
  PRIORITIES,
} from './fake-nft-ruleset.js';

const byName = <T>(m: Map<string, T>): [string, T][] =>
  [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const quote = (s: string) => `"${s}"`;
const PRIORITY_NAME = new Map(Object.entries(PRIORITIES).map(([k, v]) => [v, k]));
const priorityText = (p: number) => PRIORITY_NAME.get(p) ?? String(p);

function mapText(name: string, m: FakeMap, terse: boolean): string {
  const elements = [...m.elements].map(([k, v]) => `${k} : ${v}`).sort();
  const els = terse || elements.length === 0 ? '' : `\t\telements = { ${elements.join(',\n\t\t\t     ')} }\n`;
  return `\tmap ${name} {\n\t\t${m.type}\n${els}\t}\n`;
}

function chainText(name: string, ch: FakeChain): string {
  const h = ch.hook;
  const hook = h
    ? `\t\ttype ${h.type} hook ${h.hook} priority ${priorityText(h.priority)}; policy ${h.policy};\n`
    : '';
  const rules = ch.rules.map(
    (r) => `\t\t${r.body}${r.comment === undefined ? '' : ` comment ${quote(r.comment)}`}\n`,
  );
  return `\tchain ${name} {\n${hook}${rules.join('')}\t}\n`;
}

/** One table as `nft list table` prints it; `terse` (`-t`) leaves out map elements. */
export function tableText(t: FakeTable, terse = false): string {
  const comment = t.comment === undefined ? '' : `\tcomment ${quote(t.comment)}\n`;
  const maps = byName(t.maps).map(([n, m]) => mapText(n, m, terse));
  const flowtables = byName(t.flowtables).map(
    ([n, f]) =>
      `\tflowtable ${n} {\n\t\thook ingress priority ${priorityText(f.priority)}\n\t\tdevices = { ${f.devices.join(', ')} }\n\t}\n`,
  );
  const chains = byName(t.chains).map(([n, ch]) => chainText(n, ch));
  return `table ${t.family} ${t.name} {\n${comment}${maps.join('')}${flowtables.join('')}${chains.join('')}}\n`;
}

/** The whole ruleset as canonical text (`nft list ruleset`), tables sorted by family and name. */
export function rulesetText(rules: FakeRuleset, terse = false): string {
  return byName(rules.tables)
    .map(([, t]) => tableText(t, terse))
    .join('');
}

/** A part of an element as nft -j prints it: numbers as numbers. */
const jsonPart = (p: string): string | number => (/^\d+$/.test(p) ? Number(p) : p);
const jsonSide = (text: string): unknown => {
  const verdict = /^(goto|jump) (\S+)$/.exec(text);
  if (verdict) return { [verdict[1] as string]: { target: verdict[2] } };
  const parts = text.split(' . ').map(jsonPart);
  return parts.length === 1 ? parts[0] : { concat: parts };
};

/** `nft -j list table` of one table (or `-j list ruleset` of several), as nft 1.0.6 shapes it. */
export function tablesJson(tables: readonly FakeTable[]): string {
  const out: Record<string, unknown>[] = [
    { metainfo: { version: '1.0.6', release_name: 'nlbkit fake', json_schema_version: 1 } },
  ];
  let handle = 1;
  for (const t of tables) {
    const at = { family: t.family, table: t.name };
    out.push({ table: { family: t.family, name: t.name, handle: handle++ } });
    for (const [name, ch] of byName(t.chains)) {
      const h = ch.hook;
      const hook = h ? { type: h.type, hook: h.hook, prio: h.priority, policy: h.policy } : {};
      out.push({ chain: { ...at, name, handle: handle++, ...hook } });
    }
    for (const [name, m] of byName(t.maps)) {
      const elem = [...m.elements].sort().map(([k, v]) => [jsonSide(k), jsonSide(v)]);
      const type = m.type.replace(/^type(of)? /, '').split(' : ');
      out.push({
        map: { ...at, name, type: type[0], handle: handle++, map: type[1], ...(elem.length ? { elem } : {}) },
      });
    }
    for (const [name, f] of byName(t.flowtables)) {
      const dev = f.devices.length === 1 ? f.devices[0] : f.devices;
      out.push({ flowtable: { ...at, name, handle: handle++, hook: 'ingress', prio: f.priority, dev } });
    }
    for (const [name, ch] of byName(t.chains))
      for (const r of ch.rules)
        out.push({
          rule: {
            ...at,
            chain: name,
            handle: r.handle,
            ...(r.comment === undefined ? {} : { comment: r.comment }),
          },
        });
  }
  return JSON.stringify({ nftables: out });
}
