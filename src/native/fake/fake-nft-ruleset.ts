/**
 * The fake's in-memory ruleset and how a script changes it. A script is applied to a copy that
 * replaces the ruleset only if every statement succeeds, as the kernel applies one `nft -f` batch.
 * Checked as the kernel checks: objects exist before use or deletion, element keys and values fit
 * their map's type, a map or chain still referenced cannot be deleted. Rule bodies are kept as text
 * (not compiled): only the maps, chains and flowtables they reference are checked.
 */
import { FakeNftError } from './fake-nft-errors.js';
import { Cursor, joinTokens, tokenize } from './fake-nft-script.js';
import { canonicalParts, mapTypes } from './fake-nft-types.js';

/** A map: its type line as written, its elements as canonical `key` -> `value` text. */
export interface FakeMap {
  type: string;
  elements: Map<string, string>;
}

/** A chain: its hook when it is a base chain, and its rules (body text and comment). */
export interface FakeChain {
  hook?: { type: string; hook: string; priority: number; policy: string };
  rules: { body: string; comment?: string; handle: number }[];
}

/** One table. */
export interface FakeTable {
  family: string;
  name: string;
  comment?: string;
  maps: Map<string, FakeMap>;
  chains: Map<string, FakeChain>;
  flowtables: Map<string, { priority: number; devices: string[] }>;
}

/** Every table, by `family name`, and the next rule handle. */
export interface FakeRuleset {
  tables: Map<string, FakeTable>;
  handle: number;
}

const FAMILIES = new Set(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);
const HOOKS = new Set(['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress']);
/** Priority keywords as nft resolves them in family inet. */
export const PRIORITIES: Record<string, number> = {
  raw: -300,
  mangle: -150,
  dstnat: -100,
  filter: 0,
  security: 50,
  srcnat: 100,
};

const ENOENT = 'Could not process rule: No such file or directory';
const EEXIST = 'Could not process rule: File exists';
const EBUSY = 'Could not process rule: Device or resource busy';

/** An empty ruleset. */
export function emptyRuleset(): FakeRuleset {
  return { tables: new Map(), handle: 1 };
}

/** Applies `script` to a copy of `rules`; returns the copy, or throws and leaves `rules` as it was. */
export function applyScript(rules: FakeRuleset, script: string): FakeRuleset {
  const next = structuredClone(rules);
  const c = new Cursor(tokenize(script));
  const table = (family: string, name: string, line: number): FakeTable => {
    const t = next.tables.get(`${family} ${name}`);
    if (!t) throw new FakeNftError(`${ENOENT}; table ${family} ${name}`, line);
    return t;
  };
  const ensureTable = (family: string, name: string): FakeTable => {
    if (!FAMILIES.has(family)) c.fail(`syntax error, unexpected '${family}'`);
    const key = `${family} ${name}`;
    const t = next.tables.get(key) ?? {
      family,
      name,
      maps: new Map(),
      chains: new Map(),
      flowtables: new Map(),
    };
    next.tables.set(key, t);
    return t;
  };
  const tableRef = () => {
    const family = c.name('a family');
    const name = c.name('a table name');
    return { family, name };
  };
  const object = <T>(items: Map<string, T>, name: string, what: string, line: number): T => {
    const o = items.get(name);
    if (!o) throw new FakeNftError(`${ENOENT}; ${what} ${name}`, line);
    return o;
  };

  const addElements = (t: FakeTable, mapName: string, items: string[][], line: number) => {
    const m = object(t.maps, mapName, 'map', line);
    const types = mapTypes(m.type);
    for (const item of items) {
      const colon = item.indexOf(':');
      if (colon < 0) throw new FakeNftError(`element '${joinTokens(item)}' has no value`, line);
      const key = canonicalParts(item.slice(0, colon), types.key, 'element key', line);
      let value: string;
      if (types.value[0] === 'verdict') {
        value = joinTokens(item.slice(colon + 1));
        const target = /^(?:goto|jump) (\S+)$/.exec(value)?.[1];
        if (target) object(t.chains, target, 'chain', line);
        else if (!/^(accept|drop|return|continue)$/.test(value))
          throw new FakeNftError(`'${value}' is not a verdict`, line);
      } else value = canonicalParts(item.slice(colon + 1), types.value, 'element value', line);
      const had = m.elements.get(key);
      if (had !== undefined && had !== value) throw new FakeNftError(`${EEXIST}; element ${key}`, line);
      m.elements.set(key, value);
    }
  };

  const addRule = (t: FakeTable, chain: FakeChain, tokens: string[], line: number) => {
    if (tokens.length === 0) throw new FakeNftError('an empty rule', line);
    let comment: string | undefined;
    const at = tokens.lastIndexOf('comment');
    if (at >= 0 && at === tokens.length - 2 && tokens[at + 1]?.startsWith('"')) {
      comment = (tokens[at + 1] as string).slice(1, -1);
      tokens = tokens.slice(0, at);
    }
    const body = joinTokens(tokens);
    for (const [, kind, name] of body.matchAll(/(@|goto |jump )([A-Za-z_][A-Za-z0-9_]*)/g)) {
      if (kind === '@' && /flow add @/.test(body) && t.flowtables.has(name as string)) continue;
      if (kind === '@') object(t.maps, name as string, 'map', line);
      else object(t.chains, name as string, 'chain', line);
    }
    chain.rules.push({ body, ...(comment === undefined ? {} : { comment }), handle: next.handle++ });
  };

  // Inside a table block nft declares every chain and map first, then adds elements, then rules, so
  // that a verdict map may name a chain declared after it: `later` holds those two steps, in order.
  let later: { elements: (() => void)[]; rules: (() => void)[] } | undefined;

  const chainBody = (t: FakeTable, chain: FakeChain) => {
    c.expect('{');
    for (;;) {
      c.skipSeparators();
      if (c.accept('}')) return;
      const line = c.line;
      if (c.peek() === 'type' && chain.rules.length === 0) {
        c.next();
        const type = c.name('a chain type');
        c.expect('hook');
        const hook = c.name('a hook');
        c.expect('priority');
        const p = c.next('a priority');
        const priority = p in PRIORITIES ? (PRIORITIES[p] as number) : Number(p);
        if (!['filter', 'nat', 'route'].includes(type) || !HOOKS.has(hook) || !Number.isInteger(priority))
          throw new FakeNftError(`bad base chain: type ${type} hook ${hook} priority ${p}`, line);
        chain.hook = { type, hook, priority, policy: chain.hook?.policy ?? 'accept' };
      } else if (c.peek() === 'policy' && chain.hook) {
        c.next();
        const policy = c.next('a policy');
        if (policy !== 'accept' && policy !== 'drop') c.fail(`syntax error, unexpected '${policy}'`);
        chain.hook.policy = policy;
      } else {
        const tokens = c.rest();
        if (later) later.rules.push(() => addRule(t, chain, tokens, line));
        else addRule(t, chain, tokens, line);
      }
    }
  };

  const mapBody = (t: FakeTable, name: string, line: number) => {
    c.expect('{');
    let type: string | undefined;
    const pending: string[][] = [];
    for (;;) {
      c.skipSeparators();
      if (c.accept('}')) break;
      if (c.peek() === 'type' || c.peek() === 'typeof') type = joinTokens(c.rest());
      else if (c.accept('elements')) {
        c.expect('=');
        pending.push(...c.list());
      } else c.fail(`syntax error, unexpected '${c.peek()}' in map ${name}`);
    }
    const had = t.maps.get(name);
    if (!type && !had) throw new FakeNftError(`map ${name} needs a type`, line);
    if (had && type && had.type !== type) throw new FakeNftError(`${EEXIST}; map ${name}`, line);
    if (!had) t.maps.set(name, { type: type as string, elements: new Map() });
    if (pending.length === 0) return;
    if (later) later.elements.push(() => addElements(t, name, pending, line));
    else addElements(t, name, pending, line);
  };

  const flowtableBody = (t: FakeTable, name: string, line: number) => {
    c.expect('{');
    let priority = 0;
    let devices: string[] = [];
    for (;;) {
      c.skipSeparators();
      if (c.accept('}')) break;
      if (c.accept('hook')) {
        c.expect('ingress');
        c.expect('priority');
        const p = c.next('a priority');
        priority = p in PRIORITIES ? (PRIORITIES[p] as number) : Number(p);
      } else if (c.accept('devices')) {
        c.expect('=');
        devices = c.list().map(joinTokens);
      } else c.fail(`syntax error, unexpected '${c.peek()}' in flowtable ${name}`);
    }
    if (devices.length === 0) throw new FakeNftError(`flowtable ${name} needs devices`, line);
    t.flowtables.set(name, { priority, devices: [...devices].sort() });
  };

  const tableBody = (t: FakeTable) => {
    c.expect('{');
    later = { elements: [], rules: [] };
    for (;;) {
      c.skipSeparators();
      if (c.accept('}')) {
        const { elements, rules } = later;
        later = undefined;
        for (const step of [...elements, ...rules]) step();
        return;
      }
      const line = c.line;
      const word = c.next();
      if (word === 'comment') {
        const text = c.next('a string');
        if (!text.startsWith('"')) c.fail(`syntax error, unexpected '${text}', expecting a string`);
        t.comment = text.slice(1, -1);
      } else if (word === 'map') mapBody(t, c.name('a map name'), line);
      else if (word === 'chain') {
        const name = c.name('a chain name');
        const chain = t.chains.get(name) ?? { rules: [] };
        t.chains.set(name, chain);
        chainBody(t, chain);
      } else if (word === 'flowtable') flowtableBody(t, c.name('a flowtable name'), line);
      else c.fail(`syntax error, unexpected '${word}'`);
    }
  };

  const removeChecked = (t: FakeTable, kind: 'map' | 'chain', name: string, line: number) => {
    const items: Map<string, unknown> = kind === 'map' ? t.maps : t.chains;
    object(items, name, kind, line);
    const ref = kind === 'map' ? new RegExp(`@${name}\\b`) : new RegExp(`\\b(goto|jump) ${name}\\b`);
    const used =
      [...t.chains].some(([n, ch]) => n !== name && ch.rules.some((r) => ref.test(r.body))) ||
      (kind === 'chain' &&
        [...t.maps.values()].some((m) => [...m.elements.values()].some((v) => ref.test(v))));
    if (used) throw new FakeNftError(`${EBUSY}; ${kind} ${name}`, line);
    items.delete(name);
  };

  for (;;) {
    c.skipSeparators();
    if (c.done) return next;
    const line = c.line;
    let verb = c.next();
    if (verb === 'table') verb = 'add table';
    else if (verb === 'add' || verb === 'delete' || verb === 'flush') verb = `${verb} ${c.next('an object')}`;
    if (verb === 'flush ruleset') next.tables.clear();
    else if (verb === 'add table') {
      const { family, name } = tableRef();
      const t = ensureTable(family, name);
      if (c.peek() === '{') tableBody(t);
    } else if (verb === 'delete table') {
      const { family, name } = tableRef();
      table(family, name, line);
      next.tables.delete(`${family} ${name}`);
    } else if (verb === 'add map') {
      const { family, name } = tableRef();
      mapBody(table(family, name, line), c.name('a map name'), line);
    } else if (verb === 'add chain') {
      const { family, name } = tableRef();
      const t = table(family, name, line);
      const chainName = c.name('a chain name');
      const chain = t.chains.get(chainName) ?? { rules: [] };
      t.chains.set(chainName, chain);
      if (c.peek() === '{') chainBody(t, chain);
    } else if (verb === 'add rule') {
      const { family, name } = tableRef();
      const t = table(family, name, line);
      const chainName = c.name('a chain name');
      addRule(t, object(t.chains, chainName, 'chain', line), c.rest(), line);
    } else if (verb === 'add element' || verb === 'delete element') {
      const { family, name } = tableRef();
      const t = table(family, name, line);
      const mapName = c.name('a map name');
      const items = c.list();
      if (verb === 'add element') addElements(t, mapName, items, line);
      else {
        const m = object(t.maps, mapName, 'map', line);
        const types = mapTypes(m.type);
        for (const item of items) {
          const key = canonicalParts(item, types.key, 'element key', line);
          if (!m.elements.delete(key)) throw new FakeNftError(`${ENOENT}; element ${key}`, line);
        }
      }
    } else if (verb === 'delete map' || verb === 'delete chain') {
      const { family, name } = tableRef();
      removeChecked(
        table(family, name, line),
        verb === 'delete map' ? 'map' : 'chain',
        c.name('a name'),
        line,
      );
    } else if (verb === 'delete flowtable') {
      const { family, name } = tableRef();
      const t = table(family, name, line);
      const ft = c.name('a flowtable name');
      object(t.flowtables, ft, 'flowtable', line);
      t.flowtables.delete(ft);
    } else throw new FakeNftError(`syntax error, unexpected '${verb}'`, line);
    const end = c.peek();
    if (end !== undefined && end !== '\n' && end !== ';') c.fail(`syntax error, unexpected '${end}'`);
  }
}
