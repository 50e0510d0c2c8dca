/**
 * The two baselines the nlbkit layout is compared with (bench/native-program.ts):
 * - "chains": the obvious design, one chain + one backend map per LB, reached by `goto` from a verdict
 *   map, loaded in ONE transaction (what the issue measured: 7.5 s for 10,000 LBs);
 * - "naive": one `nft` call per object, as a script driving the CLI would, with the backends in an
 *   anonymous map inside each LB's rule (Ubicloud's shape); a change replaces that rule (one call).
 *   (A named map cannot be used here: nft 1.0.6 refuses a rule added on its own against a map whose
 *   `typeof` mentions `th dport`, "conflicting protocols specified: tcp vs. th".)
 */
import type { Executor } from '../src/native/executor/types.js';
import type { ServiceSpec } from '../src/native/model.js';

const T = 'inet bench';

/** The declarations every baseline starts from. */
export function baseTable(): string {
  return `table ${T}\ndelete table ${T}\ntable ${T} {
\tmap svc4 { type ipv4_addr . inet_proto . inet_service : verdict; }
\tchain prerouting { type nat hook prerouting priority dstnat; policy accept; ip daddr . meta l4proto . th dport vmap @svc4; }
}\n`;
}

const elems = (s: ServiceSpec) => s.backends.map((b, i) => `${i} : ${b.address} . ${b.port}`).join(', ');

/** The objects of one LB, one nft statement each (the bench only uses IPv4 round robin). */
export function lbStatements(s: ServiceSpec, i: number): string[] {
  return [
    `add map ${T} be${i} { typeof numgen inc mod 1 : ip daddr . th dport; }`,
    `add element ${T} be${i} { ${elems(s)} }`,
    `add chain ${T} lb${i}`,
    `add rule ${T} lb${i} meta l4proto ${s.protocol} dnat ip to numgen inc mod ${s.backends.length} map @be${i}`,
    `add element ${T} svc4 { ${s.vip} . ${s.protocol} . ${s.port} : goto lb${i} }`,
  ];
}

/** Loads LBs [from, to) as one transaction (the "chains" design). */
export async function loadChains(
  ex: Executor,
  services: ServiceSpec[],
  from: number,
  to: number,
): Promise<void> {
  let text = from === 0 ? baseTable() : '';
  for (let i = from; i < to; i++) text += `${lbStatements(services[i]!, i).join('\n')}\n`;
  await must(ex, ['nft', '-f', '-'], text);
}

/** The rule of one naive LB: the backends in an anonymous map. */
export function naiveRule(s: ServiceSpec): string {
  return `meta l4proto ${s.protocol} dnat ip to numgen inc mod ${s.backends.length} map { ${elems(s)} }`;
}

const vmapElement = (s: ServiceSpec, i: number) => `{ ${s.vip} . ${s.protocol} . ${s.port} : goto lb${i} }`;

/** Loads LBs [from, to) with one nft call per object (the "naive" design). */
export async function loadNaive(
  ex: Executor,
  services: ServiceSpec[],
  from: number,
  to: number,
): Promise<void> {
  if (from === 0) await must(ex, ['nft', '-f', '-'], baseTable());
  for (let i = from; i < to; i++) {
    const s = services[i]!;
    await must(ex, ['nft', 'add', 'chain', 'inet', 'bench', `lb${i}`]);
    await must(ex, ['nft', 'add', 'rule', 'inet', 'bench', `lb${i}`, naiveRule(s)]);
    await must(ex, ['nft', 'add', 'element', 'inet', 'bench', 'svc4', vmapElement(s, i)]);
  }
}

/** Loads LBs [from, to) of the naive design in one transaction (untimed filler for extrapolation). */
export async function fillNaive(
  ex: Executor,
  services: ServiceSpec[],
  from: number,
  to: number,
): Promise<void> {
  let text = '';
  for (let i = from; i < to; i++) {
    const s = services[i]!;
    text += `add chain ${T} lb${i}\nadd rule ${T} lb${i} ${naiveRule(s)}\n`;
    text += `add element ${T} svc4 ${vmapElement(s, i)}\n`;
  }
  await must(ex, ['nft', '-f', '-'], text);
}

/** Changes one LB the naive way: look up its rule handle, then `nft replace rule` (two calls). */
export async function changeNaive(ex: Executor, i: number, s: ServiceSpec): Promise<void> {
  const listed = await ex.run(['nft', '-a', 'list', 'chain', 'inet', 'bench', `lb${i}`], {
    timeoutMs: 600_000,
  });
  if (listed.code !== 0) throw new Error(`nft -a list chain lb${i} failed: ${listed.stderr.slice(0, 500)}`);
  const line = listed.stdout.split('\n').find((l) => l.includes('dnat')) ?? '';
  const handle = /# handle (\d+)\s*$/.exec(line)?.[1];
  if (!handle) throw new Error(`no rule handle in lb${i}`);
  return must(ex, ['nft', 'replace', 'rule', 'inet', 'bench', `lb${i}`, 'handle', handle, naiveRule(s)]);
}

/** Changes backend `slot` of chains-design LB `i` to `address`: one transaction. */
export async function changeChains(
  ex: Executor,
  i: number,
  slot: number,
  address: string,
  port: number,
): Promise<void> {
  const del = `delete element ${T} be${i} { ${slot} }`;
  const add = `add element ${T} be${i} { ${slot} : ${address} . ${port} }`;
  await must(ex, ['nft', '-f', '-'], `${del}\n${add}\n`);
}

async function must(ex: Executor, argv: string[], stdin?: string): Promise<void> {
  const r = await ex.run(argv, { stdin, timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr.slice(0, 500)}`);
}
