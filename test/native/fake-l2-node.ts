/**
 * Fake LB nodes on one segment for the layer-2 announcer's unit tests: an Executor per node that keeps
 * the node's interface addresses (`ip addr replace|del`, `ip -j addr show`) and records announcements
 * (`arping`, `na6`), and leases on a clock the test moves, which a test can cut off per node.
 */
import type { ExecResult, Executor } from '../../src/native/executor/types.js';
import type { LeaseStore } from '../../src/native/store/lease-types.js';
import type { FakeClock } from './fake-clock.js';

/** One fake node: its addresses on `eth0`, every command it ran. */
export interface FakeL2Node {
  name: string;
  addrs: Set<string>;
  commands: string[][];
  executor: Executor;
}

const ok = (stdout = ''): ExecResult => ({ code: 0, stdout, stderr: '' });

/** A node whose executor understands the commands the layer-2 announcer runs. */
export function fakeL2Node(name: string): FakeL2Node {
  const node: FakeL2Node = { name, addrs: new Set(), commands: [], executor: undefined as never };
  node.executor = {
    where: `fake ${name}`,
    async run(argv) {
      node.commands.push([...argv]);
      const [cmd, ...rest] = argv;
      if (cmd === 'arping' || cmd === 'na6') return ok();
      if (cmd !== 'ip') return { code: 127, stdout: '', stderr: `${cmd}: not found` };
      const dev = argv[argv.indexOf('dev') + 1];
      // The agent's own VIP interface (it puts nothing there under l2) exists and is up.
      if (rest[0] === 'link') return ok(`1: ${dev}: <BROADCAST,UP,LOWER_UP>`);
      const addrs = dev === 'eth0' ? [...node.addrs] : [];
      if (rest[0] === '-j' && rest[1] === 'addr')
        return ok(JSON.stringify([{ addr_info: addrs.map((a) => ({ local: a, scope: 'global' })) }]));
      const [, , op, cidr] = rest; // -4|-6 addr op cidr dev eth0 ...
      const vip = String(cidr).split('/')[0] as string;
      if (dev !== 'eth0') return { code: 1, stdout: '', stderr: `unexpected address change on ${dev}` };
      if (op === 'replace') node.addrs.add(vip);
      else if (op === 'del') {
        if (!node.addrs.delete(vip))
          return { code: 2, stdout: '', stderr: 'RTNETLINK answers: Cannot assign requested address' };
      } else return { code: 1, stdout: '', stderr: `unexpected ip ${rest.join(' ')}` };
      return ok();
    },
  };
  return node;
}

/** Leases as one node sees them: `cut = true` makes every call hang, as a store behind a partition. */
export function cuttable(leases: LeaseStore): LeaseStore & { cut: boolean } {
  const hang = () => new Promise<never>(() => undefined);
  const l = {
    cut: false,
    acquireLease: (...a: Parameters<LeaseStore['acquireLease']>) =>
      l.cut ? hang() : leases.acquireLease(...a),
    releaseLease: (...a: Parameters<LeaseStore['releaseLease']>) =>
      l.cut ? hang() : leases.releaseLease(...a),
    listLeases: (...a: Parameters<LeaseStore['listLeases']>) => (l.cut ? hang() : leases.listLeases(...a)),
  };
  return l;
}

/** Moves the fake clock `ms` in 10 ms steps, letting every promise settle between steps; `each` runs after each step. */
export async function runFor(clock: FakeClock, ms: number, each?: () => void): Promise<void> {
  for (let t = 0; t < ms; t += 10) {
    await clock.advance(10);
    await new Promise((r) => setImmediate(r));
    each?.();
  }
}
