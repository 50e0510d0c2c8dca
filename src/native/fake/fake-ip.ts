/**
 * The `ip` commands the agent runs for VIP addresses (src/native/agent/vip-addresses.ts), against
 * in-memory links: `link show|add|set|del`, `-j addr show`, `addr add|del`. Shared by the exported
 * fake executor and the project's own fake LB node (test/native/fake-node.ts).
 */
import type { ExecResult } from '../executor/types.js';

/** Links by name: whether each is up, and its addresses. */
export type FakeLinks = Map<string, { up: boolean; addrs: Set<string> }>;

/** Links of a fresh node: `lo` with 127.0.0.1. */
export const freshLinks = (): FakeLinks => new Map([['lo', { up: true, addrs: new Set(['127.0.0.1']) }]]);

const ok = (stdout = ''): ExecResult => ({ code: 0, stdout, stderr: '' });
const err = (stderr: string): ExecResult => ({ code: 2, stdout: '', stderr });

/** Runs one `ip` argv (argv[0] is `ip`) against `links`; `noDummy` acts as a kernel without CONFIG_DUMMY. */
export function runFakeIp(
  links: FakeLinks,
  argv: readonly string[],
  opts: { noDummy?: boolean } = {},
): ExecResult {
  const a = argv.slice(1).filter((x) => x !== '-4' && x !== '-6');
  if (a[0] === 'link' && a[1] === 'show') {
    const l = links.get(a[3] as string);
    return l ? ok(`1: ${a[3]}: <NOARP${l.up ? ',UP' : ''}>`) : err(`Device "${a[3]}" does not exist.`);
  }
  if (a[0] === 'link' && a[1] === 'add') {
    if (opts.noDummy) return err('Error: Unknown device type.');
    links.set(a[2] as string, { up: false, addrs: new Set() });
    return ok();
  }
  if (a[0] === 'link' && a[1] === 'set') {
    const l = links.get(a[3] as string);
    if (l) l.up = true;
    return ok();
  }
  if (a[0] === 'link' && a[1] === 'del') {
    return links.delete(a[3] as string) ? ok() : err('Cannot find device');
  }
  if (a[0] === '-j' && a[1] === 'addr') {
    const l = links.get(a[4] as string);
    if (!l) return err('Device does not exist');
    const info = [...l.addrs].map((local) => ({
      local,
      scope: local.startsWith('127.') ? 'host' : 'global',
    }));
    return ok(JSON.stringify([{ ifname: a[4], addr_info: info }]));
  }
  if (a[0] === 'addr' && (a[1] === 'add' || a[1] === 'del')) {
    const l = links.get(a[4] as string);
    const addr = (a[2] as string).split('/')[0] as string;
    if (!l) return err('Cannot find device');
    if (a[1] === 'add') {
      if (l.addrs.has(addr)) return err('RTNETLINK answers: File exists');
      l.addrs.add(addr);
    } else if (!l.addrs.delete(addr)) return err('RTNETLINK answers: Cannot assign requested address');
    return ok();
  }
  return err(`fake ip: unknown command ${argv.join(' ')}`);
}
