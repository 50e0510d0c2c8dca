/**
 * The backend side of direct server return and tunnel forwarding (issue 21): what a backend host needs
 * so that a packet for the VIP (unchanged in `dsr`; IPIP-encapsulated in `tunnel`, decapsulated by the
 * `ipip` module's fallback device `tunl0`) is accepted and answered from the VIP, without the host
 * answering ARP for the VIP (which would steal the VIP from the LB nodes). `setup` makes it so,
 * idempotently; `check` lists every missing piece; `teardown` removes the VIP. Every command is an
 * argument vector through an Executor; every value is checked before anything runs.
 */
import { NLBError } from '../../interfaces/errors.js';
import { parseAddress } from '../../interfaces/schemas.js';
import { DEVICE_NAME_PATTERN } from '../dataplane/dataplane-values.js';
import type { Executor } from '../executor/types.js';

/** What `nlbkit backend` works on. */
export interface BackendHostOptions {
  /** The VIP the backend serves (canonical IPv4: dsr serves IPv4 listeners only). */
  vip: string;
  /**
   * The forwarding mode: `dsr` (the packet arrives unchanged) or `tunnel` (it arrives IPIP-encapsulated:
   * `tunl0`, the `ipip` module's fallback device, is brought up to decapsulate it, with `rp_filter=0`).
   */
  mode: 'dsr' | 'tunnel';
  /** The backend's interface on the LB nodes' segment: its `rp_filter` is checked and set too. */
  interface?: string | undefined;
}

/** One thing the backend needs, and whether it has it. */
export interface BackendCheck {
  what: string;
  ok: boolean;
  /** What is there instead, when not ok. */
  found?: string;
}

const OPERATION = 'backendHost';
const invalid = (message: string) =>
  new NLBError({ code: 'INVALID_ARGUMENT', driver: 'native', operation: OPERATION, message });

/**
 * The device that decapsulates tunnel traffic: the `ipip` module's fallback device, which takes every
 * IPIP packet no other tunnel claims (any LB node may send, from any address), in every namespace.
 */
export const DECAP_DEVICE = 'tunl0';

/** The sysctls the mode needs, with the value each must have. */
function sysctls(o: BackendHostOptions): [string, string][] {
  const out: [string, string][] = [
    // Answer ARP only for addresses on the interface asked on (the VIP is on lo), and never use the VIP
    // as the source of ARP requests: the LB nodes own the VIP on the segment.
    ['net.ipv4.conf.all.arp_ignore', '1'],
    ['net.ipv4.conf.all.arp_announce', '2'],
    // Replies leave by the host's own route to the client; the effective value is the larger of
    // `all` and the interface's, so both are set.
    ['net.ipv4.conf.all.rp_filter', '0'],
    ['net.ipv4.conf.lo.rp_filter', '0'],
  ];
  if (o.interface) out.push([`net.ipv4.conf.${o.interface}.rp_filter`, '0']);
  // The decapsulated packet arrives on tunl0 from the client's address, which tunl0 has no route to.
  if (o.mode === 'tunnel') out.push([`net.ipv4.conf.${DECAP_DEVICE}.rp_filter`, '0']);
  return out;
}

/** Checks the options; throws INVALID_ARGUMENT naming the bad one before anything runs. */
export function checkBackendOptions(o: BackendHostOptions): BackendHostOptions {
  const parsed = parseAddress(o.vip);
  if (!parsed || parsed.address !== o.vip) throw invalid(`--vip must be a canonical IP address`);
  if (o.mode !== 'dsr' && o.mode !== 'tunnel') throw invalid('--mode must be dsr or tunnel');
  if (parsed.family !== 4)
    throw invalid(`${o.mode} serves IPv4 listeners only: --vip must be an IPv4 address`);
  if (o.interface !== undefined && !DEVICE_NAME_PATTERN.test(o.interface))
    throw invalid(`--interface must be a device name (${DEVICE_NAME_PATTERN.source})`);
  return o;
}

async function run(ex: Executor, argv: string[]) {
  let r: Awaited<ReturnType<Executor['run']>>;
  try {
    r = await ex.run(argv, { timeoutMs: 10_000 });
  } catch (e) {
    throw new NLBError({
      code: 'UNAVAILABLE',
      driver: 'native',
      operation: OPERATION,
      message: `cannot run ${argv[0]} (${ex.where}): ${(e as Error).message}`,
    });
  }
  return r;
}

async function mustRun(ex: Executor, argv: string[]) {
  const r = await run(ex, argv);
  if (r.code !== 0)
    throw new NLBError({
      code: 'PROVIDER_ERROR',
      driver: 'native',
      operation: OPERATION,
      message: `${argv.join(' ')} failed (${ex.where}): ${r.stderr.trim().slice(0, 500)}`,
    });
  return r.stdout;
}

const hasVip = async (ex: Executor, vip: string) =>
  (await mustRun(ex, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'lo']))
    .split('\n')
    .some((line) => line.includes(` inet ${vip}/32 `));

/** The decap device's state: `up`, `down` or `absent` (no ipip module, or the device deleted). */
async function decapState(ex: Executor): Promise<'up' | 'down' | 'absent'> {
  const r = await run(ex, ['ip', '-o', 'link', 'show', 'dev', DECAP_DEVICE]);
  if (r.code !== 0) return 'absent';
  const flags = /<([^>]*)>/.exec(r.stdout)?.[1]?.split(',') ?? [];
  return flags.includes('UP') ? 'up' : 'down';
}

/** Every piece the mode needs on this host, each with whether it is there. */
export async function checkBackend(ex: Executor, options: BackendHostOptions): Promise<BackendCheck[]> {
  const o = checkBackendOptions(options);
  const out: BackendCheck[] = [];
  const vip = await hasVip(ex, o.vip);
  out.push({ what: `VIP ${o.vip}/32 on lo`, ok: vip, ...(vip ? {} : { found: 'absent' }) });
  if (o.mode === 'tunnel') {
    const decap = await decapState(ex);
    out.push({
      what: `decap device ${DECAP_DEVICE} up`,
      ok: decap === 'up',
      ...(decap === 'up' ? {} : { found: decap }),
    });
  }
  for (const [key, want] of sysctls(o)) {
    const r = await run(ex, ['sysctl', '-n', key]);
    const value = r.code === 0 ? r.stdout.trim() : 'unreadable';
    out.push({ what: `${key} = ${want}`, ok: value === want, ...(value === want ? {} : { found: value }) });
  }
  return out;
}

/** Brings tunl0 up, loading the `ipip` module first when the device is absent. */
async function setupDecap(ex: Executor): Promise<void> {
  if ((await decapState(ex)) === 'absent') {
    // The module makes tunl0 in every namespace; modprobe is absent or refused in some containers,
    // so its failure only matters if tunl0 is still missing after it.
    await run(ex, ['modprobe', 'ipip']);
    if ((await decapState(ex)) === 'absent')
      throw new NLBError({
        code: 'PROVIDER_ERROR',
        driver: 'native',
        operation: OPERATION,
        message: `no ${DECAP_DEVICE} (${ex.where}): tunnel backends need the kernel's ipip module`,
      });
  }
  await mustRun(ex, ['ip', 'link', 'set', 'dev', DECAP_DEVICE, 'up']);
}

/**
 * Makes the host ready for the mode: for `tunnel` the decap device `tunl0` up (loading `ipip`), then
 * the ARP and `rp_filter` sysctls, then the VIP on lo. Idempotent. A stable entry point: the IPVS data plane's
 * TUN mode prepares its backends with it too.
 */
export async function setupBackend(ex: Executor, options: BackendHostOptions): Promise<void> {
  const o = checkBackendOptions(options);
  // tunl0 exists only once the ipip module is loaded; its rp_filter sysctl only then.
  if (o.mode === 'tunnel') await setupDecap(ex);
  // ARP settings before the VIP, so the VIP is never on the host while it would still answer ARP for it.
  for (const [key, want] of sysctls(o)) await mustRun(ex, ['sysctl', '-q', '-w', `${key}=${want}`]);
  // `replace` is idempotent; scope host: the address is never chosen as a source on the segment.
  await mustRun(ex, ['ip', '-4', 'addr', 'replace', `${o.vip}/32`, 'dev', 'lo', 'scope', 'host']);
}

/**
 * Removes the VIP from lo (if there). The sysctls and tunl0 stay: other VIPs may need them, and they
 * are safe alone (without the VIP, a decapsulated packet for it is dropped).
 */
export async function teardownBackend(ex: Executor, options: BackendHostOptions): Promise<void> {
  const o = checkBackendOptions(options);
  if (await hasVip(ex, o.vip)) await mustRun(ex, ['ip', '-4', 'addr', 'del', `${o.vip}/32`, 'dev', 'lo']);
}
