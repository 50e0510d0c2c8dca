/**
 * A fake LB node for agent and driver tests: a "kernel" that outlives data-plane instances (as the
 * real one outlives agent restarts), a Dataplane over it that follows the contract (full on first
 * sync unless the kernel already holds exactly the state, and after a failure; none when unchanged),
 * and an Executor that understands the `ip` commands the agent runs.
 */
import type { ExecResult, Executor } from '../../src/native/executor/types.js';
import type { Dataplane, NodeDataplaneState, SyncResult } from '../../src/native/model.js';

/** What the fake kernel holds. */
export class FakeKernel {
  ruleset: string | undefined;
  links = new Map<string, { up: boolean; addrs: Set<string> }>([
    ['lo', { up: true, addrs: new Set(['127.0.0.1']) }],
  ]);
  /** Every sync any data plane made, in order. */
  syncs: SyncResult[] = [];
  /** Every command run through the executor. */
  commands: string[][] = [];
  /** Fails the next sync (kernel keeps what it had). */
  failNextSync = false;
  /** Like kernels without CONFIG_DUMMY. */
  noDummy = false;
}

const text = (s: NodeDataplaneState) => JSON.stringify(s);

/**
 * A data plane over `kernel`. A new instance knows nothing of what the kernel holds; its first sync
 * adopts a kernel that already holds exactly the state (like the nft one) and rebuilds anything else.
 */
export function fakeDataplane(kernel: FakeKernel): Dataplane {
  let view: string | undefined;
  let fresh = true;
  return {
    async sync(state) {
      const next = text(state);
      if (kernel.failNextSync) {
        kernel.failNextSync = false;
        view = undefined;
        throw new Error('nft: injected failure');
      }
      if (fresh) {
        fresh = false;
        if (kernel.ruleset === next) view = next;
      }
      let result: SyncResult;
      if (view === undefined) result = { mode: 'full', statements: 1 + state.services.length };
      else if (view === next) result = { mode: 'none', statements: 0 };
      else result = { mode: 'incremental', statements: 1 };
      if (result.mode !== 'none') kernel.ruleset = next;
      view = next;
      kernel.syncs.push(result);
      return result;
    },
    async verify(state) {
      return kernel.ruleset === text(state) ? [] : ['ruleset differs'];
    },
    async destroy() {
      kernel.ruleset = undefined;
      view = undefined;
      fresh = false;
    },
  };
}

const ok = (stdout = ''): ExecResult => ({ code: 0, stdout, stderr: '' });
const err = (stderr: string): ExecResult => ({ code: 2, stdout: '', stderr });

/** An executor that runs `ip` against the fake kernel's links. */
export function fakeIpExecutor(kernel: FakeKernel): Executor {
  return {
    where: 'fake node',
    async run(argv) {
      kernel.commands.push([...argv]);
      const a = argv.slice(1).filter((x) => x !== '-4' && x !== '-6');
      if (argv[0] !== 'ip') return err(`${argv[0]}: not found`);
      if (a[0] === 'link' && a[1] === 'show') {
        const l = kernel.links.get(a[3] as string);
        return l ? ok(`1: ${a[3]}: <NOARP${l.up ? ',UP' : ''}>`) : err(`Device "${a[3]}" does not exist.`);
      }
      if (a[0] === 'link' && a[1] === 'add') {
        if (kernel.noDummy) return err('Error: Unknown device type.');
        kernel.links.set(a[2] as string, { up: false, addrs: new Set() });
        return ok();
      }
      if (a[0] === 'link' && a[1] === 'set') {
        const l = kernel.links.get(a[3] as string);
        if (l) l.up = true;
        return ok();
      }
      if (a[0] === 'link' && a[1] === 'del') {
        return kernel.links.delete(a[3] as string) ? ok() : err('Cannot find device');
      }
      if (a[0] === '-j' && a[1] === 'addr') {
        const l = kernel.links.get(a[4] as string);
        if (!l) return err('Device does not exist');
        const info = [...l.addrs].map((local) => ({
          local,
          scope: local.startsWith('127.') ? 'host' : 'global',
        }));
        return ok(JSON.stringify([{ ifname: a[4], addr_info: info }]));
      }
      if (a[0] === 'addr' && (a[1] === 'add' || a[1] === 'del')) {
        const l = kernel.links.get(a[4] as string);
        const addr = (a[2] as string).split('/')[0] as string;
        if (!l) return err('Cannot find device');
        if (a[1] === 'add') {
          if (l.addrs.has(addr)) return err('RTNETLINK answers: File exists');
          l.addrs.add(addr);
        } else if (!l.addrs.delete(addr)) return err('RTNETLINK answers: Cannot assign requested address');
        return ok();
      }
      return err(`fake ip: unknown command ${argv.join(' ')}`);
    },
  };
}

/** Commands that changed something (not reads). */
export const writes = (kernel: FakeKernel): string[] =>
  kernel.commands.filter((c) => !c.includes('show')).map((c) => c.join(' '));
