/**
 * What the layer-2 announcer does to the node: places and removes VIP addresses on the interface (one
 * queue per VIP, so a deadline's removal and a renewal's refresh never overtake each other) and sends
 * gratuitous ARP / unsolicited NA without holding up the lease loop.
 */
import { NLBError } from '../../../interfaces/errors.js';
import { VipAddresses } from '../../agent/vip-addresses.js';
import type { Executor } from '../../executor/types.js';
import { announceArgv, dropArgv, holdArgv } from './l2-commands.js';

const failed = (message: string, stderr: string) =>
  new NLBError({
    code: 'PROVIDER_ERROR',
    driver: 'native',
    operation: 'announce',
    message: `${message}: ${stderr.trim().slice(0, 500)}`,
  });

/** The node side of one layer-2 announcer. */
export class L2Kernel {
  readonly #executor: Executor;
  readonly #iface: string;
  readonly #lifetimeS: number;
  readonly #log: (line: string) => void;
  readonly #addresses: VipAddresses;
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #announcing = new Set<string>();

  constructor(executor: Executor, iface: string, lifetimeS: number, log: (line: string) => void) {
    this.#executor = executor;
    this.#iface = iface;
    this.#lifetimeS = lifetimeS;
    this.#log = log;
    this.#addresses = new VipAddresses(executor, iface, log);
  }

  #queue<T>(vip: string, work: () => Promise<T>): Promise<T> {
    const p = (this.#queues.get(vip) ?? Promise.resolve()).then(work, work);
    this.#queues.set(
      vip,
      p.catch(() => undefined),
    );
    return p;
  }

  /** Adds the VIP, or refreshes its kernel lifetime when it is there already. */
  hold(vip: string): Promise<void> {
    const argv = holdArgv(vip, this.#iface, this.#lifetimeS);
    return this.#queue(vip, async () => {
      const r = await this.#executor.run(argv, { timeoutMs: 5000 });
      if (r.code !== 0) throw failed(`cannot hold ${vip} on ${this.#iface}`, r.stderr);
    });
  }

  /** Removes the VIP (absent already is fine). */
  drop(vip: string): Promise<void> {
    const argv = dropArgv(vip, this.#iface);
    return this.#queue(vip, async () => {
      const r = await this.#executor.run(argv, { timeoutMs: 5000 });
      if (r.code !== 0 && !/cannot assign|not found|no such/i.test(r.stderr))
        throw failed(`cannot remove ${vip} from ${this.#iface}`, r.stderr);
    });
  }

  /** The global addresses on the interface now. */
  list(): Promise<string[]> {
    return this.#addresses.list();
  }

  /** Sends one announcement for the VIP unless one is still on its way; never throws. */
  announce(vip: string): void {
    if (this.#announcing.has(vip)) return;
    const argv = announceArgv(vip, this.#iface);
    this.#announcing.add(vip);
    void this.#executor
      .run(argv, { timeoutMs: 5000 })
      .then(
        (r) => {
          if (r.code !== 0) this.#log(`announce ${vip}: ${argv[0]} failed: ${r.stderr.trim().slice(0, 300)}`);
        },
        (e: unknown) => this.#log(`announce ${vip}: ${argv[0]} did not run: ${String(e).slice(0, 300)}`),
      )
      .finally(() => this.#announcing.delete(vip));
  }

  /** Waits for every queued address change. */
  async settle(): Promise<void> {
    await Promise.all(this.#queues.values());
  }
}
