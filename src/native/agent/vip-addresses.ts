/**
 * Puts VIPs on the node's interface so the node answers ARP/NDP for them, with `ip` through the
 * Executor. The agent removes only addresses it owns: every address on its own dummy interface, and on
 * any other interface (e.g. `lo`) only the ones it added (remembered in its node report).
 */
import { NLBError } from '../../interfaces/errors.js';
import { parseAddress } from '../../interfaces/schemas.js';
import type { Executor } from '../executor/types.js';

/** The dummy interface the agent creates and owns when no interface is given. */
export const DEFAULT_VIP_INTERFACE = 'nlbkit0';
/** Interface names `ip` accepts (IFNAMSIZ - 1), without anything a command could misread. */
export const INTERFACE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,14}$/;

const fail = (message: string, stderr?: string) =>
  new NLBError({
    code: 'PROVIDER_ERROR',
    driver: 'native',
    operation: 'agent',
    message: stderr ? `${message}: ${stderr.trim()}` : message,
  });

/** Manages the VIP addresses of one interface. */
export class VipAddresses {
  readonly #executor: Executor;
  #iface: string;
  readonly #auto: boolean;
  readonly #log: (line: string) => void;

  /**
   * `iface` omitted: the agent's own dummy `nlbkit0`, or `lo` when the kernel has no dummy driver
   * (some minimal kernels); on `lo` only the addresses the agent added are its own.
   */
  constructor(executor: Executor, iface?: string, log: (line: string) => void = () => undefined) {
    if (iface !== undefined && !INTERFACE_PATTERN.test(iface))
      throw fail(`'${iface}' is not a valid interface name`);
    this.#executor = executor;
    this.#iface = iface ?? DEFAULT_VIP_INTERFACE;
    this.#auto = iface === undefined;
    this.#log = log;
  }

  /** True when this is the agent's own interface, where every address is the agent's. */
  get ownsInterface(): boolean {
    return this.#iface === DEFAULT_VIP_INTERFACE;
  }

  /** The interface in use (`lo` after falling back from `nlbkit0`). */
  get interfaceName(): string {
    return this.#iface;
  }

  async #ip(argv: string[]) {
    return this.#executor.run(['ip', ...argv], { timeoutMs: 10_000 });
  }

  /** Creates the agent's dummy interface if missing, and brings the interface up. */
  async ensureInterface(): Promise<void> {
    const shown = await this.#ip(['link', 'show', 'dev', this.#iface]);
    if (shown.code !== 0) {
      if (!this.ownsInterface)
        throw fail(`interface ${this.#iface} does not exist on ${this.#executor.where}`, shown.stderr);
      const added = await this.#ip(['link', 'add', this.#iface, 'type', 'dummy']);
      if (added.code !== 0 && this.#auto && /unknown device type|not supported/i.test(added.stderr)) {
        this.#log(`no dummy interface support on ${this.#executor.where}; putting VIPs on lo`);
        this.#iface = 'lo';
        return this.ensureInterface();
      }
      if (added.code !== 0)
        throw fail(`cannot create ${this.#iface} on ${this.#executor.where}`, added.stderr);
    }
    if (shown.code !== 0 || !shown.stdout.includes(',UP')) {
      const up = await this.#ip(['link', 'set', 'dev', this.#iface, 'up']);
      if (up.code !== 0) throw fail(`cannot bring ${this.#iface} up`, up.stderr);
    }
  }

  /** The global-scope addresses on the interface, canonical. */
  async list(): Promise<string[]> {
    const r = await this.#ip(['-j', 'addr', 'show', 'dev', this.#iface]);
    if (r.code !== 0) throw fail(`cannot list addresses of ${this.#iface}`, r.stderr);
    const links = JSON.parse(r.stdout || '[]') as { addr_info?: { local?: string; scope?: string }[] }[];
    const out: string[] = [];
    for (const link of links)
      for (const a of link.addr_info ?? []) {
        const p = a.scope === 'global' && a.local ? parseAddress(a.local) : undefined;
        if (p) out.push(p.address);
      }
    return out.sort();
  }

  /**
   * Makes the interface hold `wanted`: adds the missing ones, removes those it owns that are no longer
   * wanted. Returns what it owns afterwards and what it changed.
   */
  async reconcile(
    wanted: readonly string[],
    owned: ReadonlySet<string>,
  ): Promise<{ owned: string[]; added: string[]; removed: string[] }> {
    await this.ensureInterface();
    const present = new Set(await this.list());
    const want = new Set(wanted);
    const mine = new Set([...owned].filter((a) => present.has(a)));
    if (this.ownsInterface) for (const a of present) mine.add(a);
    const added: string[] = [];
    const removed: string[] = [];
    for (const vip of wanted) {
      mine.add(vip);
      if (present.has(vip)) continue;
      const r = await this.#ip(this.#addrArgs('add', vip));
      if (r.code !== 0 && !/exists/i.test(r.stderr))
        throw fail(`cannot add ${vip} to ${this.#iface}`, r.stderr);
      added.push(vip);
    }
    for (const vip of [...mine].sort()) {
      if (want.has(vip)) continue;
      mine.delete(vip);
      const r = await this.#ip(this.#addrArgs('del', vip));
      if (r.code !== 0 && !/cannot assign|not found/i.test(r.stderr))
        throw fail(`cannot remove ${vip} from ${this.#iface}`, r.stderr);
      removed.push(vip);
    }
    return { owned: [...mine].sort(), added, removed };
  }

  /** Removes the addresses the agent owns (and its dummy interface, when it made one). */
  async removeAll(owned: ReadonlySet<string>): Promise<void> {
    if (this.ownsInterface) {
      const r = await this.#ip(['link', 'del', 'dev', this.#iface]);
      if (r.code !== 0 && !/cannot find|does not exist/i.test(r.stderr))
        throw fail(`cannot delete ${this.#iface}`, r.stderr);
      return;
    }
    await this.reconcile([], owned);
  }

  #addrArgs(op: 'add' | 'del', vip: string): string[] {
    const v6 = vip.includes(':');
    const args = [v6 ? '-6' : '-4', 'addr', op, `${vip}/${v6 ? 128 : 32}`, 'dev', this.#iface];
    // Duplicate address detection would keep a fresh IPv6 VIP unusable for a second or so.
    if (v6 && op === 'add') args.push('nodad');
    return args;
  }
}
