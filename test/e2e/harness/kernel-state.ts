/**
 * Reads what a namespace's kernel holds, for assertions: the nft ruleset and the addresses on links.
 */
import type { Executor } from '../../../src/native/executor/types.js';

async function must(exec: Executor, argv: string[]): Promise<string> {
  const result = await exec.run(argv);
  if (result.code !== 0) throw new Error(`${argv.join(' ')} in ${exec.where}: ${result.stderr.trim()}`);
  return result.stdout;
}

/** `nft list ruleset` (the whole kernel ruleset of the namespace). */
export function listRuleset(exec: Executor): Promise<string> {
  return must(exec, ['nft', 'list', 'ruleset']);
}

/** Names of the tables in the namespace, as `family name`. */
export async function listTables(exec: Executor): Promise<string[]> {
  const out = await must(exec, ['nft', 'list', 'tables']);
  return out
    .split('\n')
    .map((l) => l.replace(/^table\s+/, '').trim())
    .filter((l) => l.length > 0);
}

/** Every global address on every link, e.g. `198.19.0.1/32` (loopback's 127.0.0.1 and ::1 left out). */
export async function listAddresses(exec: Executor): Promise<string[]> {
  const out = await must(exec, ['ip', '-j', 'addr', 'show']);
  const links = JSON.parse(out) as { addr_info?: { local: string; prefixlen: number; scope: string }[] }[];
  return links
    .flatMap((l) => l.addr_info ?? [])
    .filter((a) => a.scope === 'global')
    .map((a) => `${a.local}/${a.prefixlen}`);
}

/** Elements per map of nlbkit's table (`inet nlbkit`); undefined when the table does not exist. */
export async function tableElements(
  exec: Executor,
  table = 'nlbkit',
): Promise<Record<string, number> | undefined> {
  const result = await exec.run(['nft', '-j', 'list', 'table', 'inet', table]);
  if (result.code !== 0) return undefined;
  const parsed = JSON.parse(result.stdout) as { nftables: { map?: { name: string; elem?: unknown[] } }[] };
  const out: Record<string, number> = {};
  for (const item of parsed.nftables) if (item.map) out[item.map.name] = item.map.elem?.length ?? 0;
  return out;
}
