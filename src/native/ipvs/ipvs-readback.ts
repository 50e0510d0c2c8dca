/**
 * Reads the kernel's IPVS table from `ipvsadm -L -n --exact --nosort` (real servers in the kernel's
 * list order, head first: the order `mh` builds its table from): virtual services with scheduler, flags and
 * persistence, and real servers with forwarding method, weight and connection counts (the counts tell
 * when a drained server can go). Firewall-mark services have no address, so are never nlbkit's, and
 * are skipped; SCTP services are read like TCP and UDP ones (nlbkit makes none, so one on an owned
 * address is drift). A line that cannot be read makes the whole read fail, since planning on a partial
 * view could delete or miss something.
 */
import { NLBError } from '../../interfaces/errors.js';
import { parseAddress } from '../../interfaces/schemas.js';

/** A real server as the kernel holds it. */
export interface KernelDest {
  endpoint: string;
  /** `Masq` (NAT), `Route` (dsr), `Tunnel` (tunnel), or `Local` (never nlbkit's). */
  forward: string;
  weight: number;
  activeConns: number;
  inactiveConns: number;
}

/** A virtual service as the kernel holds it. */
export interface KernelService {
  key: string;
  /** nlbkit writes tcp and udp; an sctp service on an owned address was made by someone else. */
  protocol: 'tcp' | 'udp' | 'sctp';
  endpoint: string;
  /** Canonical VIP address. */
  vip: string;
  scheduler: string;
  flags: string[];
  /** Anything after the scheduler and its flags (`persistent 300`, `ops`); nlbkit writes none. */
  extra: string;
  /** By endpoint, in the kernel's list order (head first). */
  dests: Map<string, KernelDest>;
}

const SERVICE_LINE = /^(TCP|UDP|SCTP|FWM)\s+(\S+)\s+(\S+)(?:\s+\(([^)]*)\))?\s*(.*)$/;
const DEST_LINE = /^\s+->\s+(\S+)\s+(\S+)\s+(-?\d+)\s+(\d+)\s+(\d+)\s*$/;
const HEADER_LINE = /^(IP Virtual Server version|Prot LocalAddress|\s+-> RemoteAddress)/;

function unreadable(line: string): NLBError {
  const shown = line.replace(/[^\x20-\x7e]/g, '?').slice(0, 120);
  return new NLBError({
    code: 'PROVIDER_ERROR',
    driver: 'native',
    operation: 'readback',
    message: `cannot read this line of ipvsadm's listing: ${JSON.stringify(shown)}`,
  });
}

/** Splits `a.b.c.d:port` / `[v6]:port` and writes it back with the canonical address. */
export function parseEndpoint(
  text: string,
): { address: string; family: 4 | 6; endpoint: string } | undefined {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:[\]]+):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const parsed = parseAddress(m[1]!);
  const p = Number(m[2]);
  if (!parsed || p < 1 || p > 65535) return undefined;
  const endpoint = parsed.family === 6 ? `[${parsed.address}]:${p}` : `${parsed.address}:${p}`;
  return { address: parsed.address, family: parsed.family, endpoint };
}

/** Parses the listing into services by key (`tcp 198.18.0.1:80`). */
export function parseIpvsList(text: string): Map<string, KernelService> {
  const services = new Map<string, KernelService>();
  // Real servers of a skipped (firewall-mark) service are skipped with it.
  let current: KernelService | undefined | null = null;
  for (const line of text.split('\n')) {
    if (line.trim() === '' || HEADER_LINE.test(line)) continue;
    const s = SERVICE_LINE.exec(line);
    if (s) {
      const [, prot, ep, scheduler, flags, extra] = s;
      if (prot === 'FWM') {
        current = undefined;
        continue;
      }
      const parsed = parseEndpoint(ep!);
      if (!parsed) throw unreadable(line);
      const protocol = prot === 'TCP' ? 'tcp' : prot === 'UDP' ? 'udp' : 'sctp';
      const key = `${protocol} ${parsed.endpoint}`;
      current = {
        key,
        protocol,
        endpoint: parsed.endpoint,
        vip: parsed.address,
        scheduler: scheduler!,
        flags: flags ? flags.split(',').sort() : [],
        extra: (extra ?? '').trim(),
        dests: new Map(),
      };
      services.set(key, current);
      continue;
    }
    const d = DEST_LINE.exec(line);
    if (d && current !== null) {
      if (current === undefined) continue;
      const parsed = parseEndpoint(d[1]!);
      if (!parsed) throw unreadable(line);
      current.dests.set(parsed.endpoint, {
        endpoint: parsed.endpoint,
        forward: d[2]!,
        weight: Number(d[3]),
        activeConns: Number(d[4]),
        inactiveConns: Number(d[5]),
      });
      continue;
    }
    throw unreadable(line);
  }
  return services;
}
