/** `--listen HOST:PORT`: parsing, and whether the address is reachable only from this host. */
import ipaddr from 'ipaddr.js';
import { NLBError } from '../interfaces/errors.js';
import { quoteInput } from '../interfaces/input-text.js';
import { parseAddress } from '../interfaces/schemas.js';

/** Where the server listens. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** The default: loopback only, port 7480. */
export const DEFAULT_LISTEN: ListenAddress = { host: '127.0.0.1', port: 7480 };

/** Parses `127.0.0.1:7480`, `[::1]:7480`, `0.0.0.0:7480` or `localhost:7480` (port 0: any free port). */
export function parseListen(text: string): ListenAddress {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text);
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  const hostOk = host !== undefined && (host === 'localhost' || parseAddress(host) !== undefined);
  if (!m || !hostOk || port > 65535)
    throw new NLBError({
      code: 'INVALID_ARGUMENT',
      driver: 'server',
      operation: 'serve',
      message: `--listen ${quoteInput(text)} must be HOST:PORT with an IP address or localhost (e.g. 127.0.0.1:7480, [::1]:7480)`,
    });
  return { host: host === 'localhost' ? host : (parseAddress(host)?.address as string), port };
}

/** True when only this host can reach `host` (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const parsed = parseAddress(host);
  if (!parsed) return false;
  const addr = ipaddr.parse(parsed.address);
  const v4 =
    addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()
      ? (addr as ipaddr.IPv6).toIPv4Address()
      : addr;
  return v4.range() === 'loopback';
}
