/**
 * A fake LB node for agent and driver tests: a "kernel" that outlives data-plane instances (as the
 * real one outlives agent restarts), a Dataplane over it that follows the contract (full on first
 * sync unless the kernel already holds exactly the state, and after a failure; none when unchanged),
 * and an Executor that understands the `ip` commands the agent runs.
 */
import type { Executor } from '../../src/native/executor/types.js';
import { type FakeLinks, freshLinks, runFakeIp } from '../../src/native/fake/fake-ip.js';
import type { Dataplane, NodeDataplaneState, SyncResult } from '../../src/native/model.js';

/** What the fake kernel holds. */
export class FakeKernel {
  ruleset: string | undefined;
  links: FakeLinks = freshLinks();
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

/** An executor that runs `ip` against the fake kernel's links. */
export function fakeIpExecutor(kernel: FakeKernel): Executor {
  return {
    where: 'fake node',
    async run(argv) {
      kernel.commands.push([...argv]);
      if (argv[0] !== 'ip') return { code: 2, stdout: '', stderr: `${argv[0]}: not found` };
      return runFakeIp(kernel.links, argv, { noDummy: kernel.noDummy });
    },
  };
}

/** Commands that changed something (not reads). */
export const writes = (kernel: FakeKernel): string[] =>
  kernel.commands.filter((c) => !c.includes('show')).map((c) => c.join(' '));
