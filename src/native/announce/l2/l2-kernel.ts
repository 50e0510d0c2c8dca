/**
 * What the layer-2 announcer does to the node: places and removes VIP addresses on the interface (one
 * queue per VIP, so a deadline's removal and a renewal's refresh never overtake each other) and sends
 * gratuitous ARP / unsolicited NA without holding up the lease loop. With a watchdog, the watchdog
 * process places and removes the addresses (and removes them by itself at their deadlines or when this
 * process dies); the executor removes them only when the watchdog is gone.
 */
import { NLBError } from '../../../interfaces/errors.js';
import { VipAddresses } from '../../agent/vip-addresses.js';
import type { Executor } from '../../executor/types.js';
import { KeyedQueue } from './keyed-queue.js';
import { announceArgv, dropArgv, holdArgv } from './l2-commands.js';
import { ABSENT_ADDRESS, WATCHDOG_MIN_LEAD_MS } from './l2-watchdog.js';
import type { L2WatchdogClient } from './l2-watchdog-client.js';

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
  readonly #queue = new KeyedQueue();
  readonly #announcing = new Set<string>();
  readonly #watchdog: L2WatchdogClient | undefined;
  /** VIPs placed and not removed since: what a dead watchdog leaves unguarded. */
  readonly #placed = new Set<string>();
  /** The removal of a dead watchdog's VIPs; a new watchdog starts only after it. */
  #recovering: Promise<unknown> = Promise.resolve();

  constructor(
    executor: Executor,
    iface: string,
    lifetimeS: number,
    log: (line: string) => void,
    watchdog?: L2WatchdogClient,
  ) {
    this.#executor = executor;
    this.#iface = iface;
    this.#lifetimeS = lifetimeS;
    this.#log = log;
    this.#addresses = new VipAddresses(executor, iface, log);
    this.#watchdog = watchdog;
  }

  /**
   * Calls `lost` with the VIPs a dead watchdog guarded, once they are off the interface (removed by
   * the executor: nothing would remove them at their deadlines any more).
   */
  onWatchdogDeath(lost: (vips: string[]) => void): void {
    this.#watchdog?.onDeath(() => {
      const vips = [...this.#placed];
      this.#recovering = Promise.all(
        vips.map((vip) => this.drop(vip).catch((e) => this.#log(String(e)))),
      ).then(() => lost(vips));
    });
  }

  /** Starts the watchdog if there is to be one and none runs; throws if it cannot run yet. */
  async ready(): Promise<void> {
    if (!this.#watchdog) return;
    await this.#recovering;
    if (!(await this.#watchdog.start()))
      throw new NLBError({
        code: 'PROVIDER_ERROR',
        driver: 'native',
        operation: 'announce',
        message: 'the l2 watchdog is not running (restarting): holding no VIP until it is',
      });
  }

  /**
   * Whether a VIP may be placed now to be held until `deadlineInMs` from now: with a watchdog, when
   * there is time to place and remove it; without, when the kernel's address lifetime would remove it
   * by itself before the deadline should this process die now.
   */
  canHold(deadlineInMs: number, kernelSlackMs: number): boolean {
    if (this.#watchdog) return deadlineInMs >= WATCHDOG_MIN_LEAD_MS * 2;
    return this.#lifetimeS * 1000 + kernelSlackMs <= deadlineInMs;
  }

  /** Adds the VIP, or refreshes its kernel lifetime when it is there already, until `deadlineInMs` from now. */
  hold(vip: string, deadlineInMs: number): Promise<void> {
    const argv = holdArgv(vip, this.#iface, this.#lifetimeS);
    const watchdog = this.#watchdog;
    return this.#queue.run(vip, async () => {
      this.#placed.add(vip);
      if (watchdog) return watchdog.hold(vip, deadlineInMs);
      const r = await this.#executor.run(argv, { timeoutMs: 5000 });
      if (r.code !== 0) throw failed(`cannot hold ${vip} on ${this.#iface}`, r.stderr);
    });
  }

  /** Removes the VIP (absent already is fine): through the watchdog while it runs, else directly. */
  drop(vip: string): Promise<void> {
    const argv = dropArgv(vip, this.#iface);
    const watchdog = this.#watchdog;
    return this.#queue.run(vip, async () => {
      if (watchdog?.alive) {
        try {
          await watchdog.drop(vip);
          this.#placed.delete(vip);
          return;
        } catch (e) {
          this.#log(`${String(e)}; removing ${vip} directly`);
        }
      }
      const r = await this.#executor.run(argv, { timeoutMs: 5000 });
      if (r.code !== 0 && !ABSENT_ADDRESS.test(r.stderr))
        throw failed(`cannot remove ${vip} from ${this.#iface}`, r.stderr);
      this.#placed.delete(vip);
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
    await this.#queue.settle();
  }

  /** Stops the watchdog (it removes whatever it still holds) after every queued change. */
  async close(): Promise<void> {
    await this.settle();
    await this.#watchdog?.stop();
  }
}
