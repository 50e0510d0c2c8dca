/**
 * The only gate between typed values and nft script text. Every identifier, address, port and integer
 * is checked here again, right before it is written, so a value that slipped past the schemas (or was
 * built by code that never saw them) makes rendering throw before any `nft` process is started.
 */
import { NLBError } from '../../interfaces/errors.js';
import { parseAddress } from '../../interfaces/schemas.js';

/** nft object names nlbkit writes: a letter, then letters, digits or '_' (no quoting ever needed). */
export const NFT_IDENT_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;

/** The error every rejected value raises: INVALID_ARGUMENT, before anything runs. */
export function renderError(message: string): NLBError {
  return new NLBError({ code: 'INVALID_ARGUMENT', driver: 'native', operation: 'render', message });
}

/** Short, printable description of a rejected value for error messages (no control characters). */
function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** An nft table, chain, map or set name. */
export function ident(name: string): string {
  if (typeof name !== 'string' || !NFT_IDENT_PATTERN.test(name)) {
    throw renderError(`unsafe nft name ${show(name)} (allowed: ${NFT_IDENT_PATTERN.source})`);
  }
  return name;
}

/**
 * A network device name as Linux allows it (1-15 bytes, no '/', ':' or whitespace), narrowed to letters,
 * digits, '_', '.' and '-' and a letter or digit first. Rendered quoted, so no name reads as a keyword.
 */
export const DEVICE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;

/** A device name for a flowtable's device list, as a quoted nft string. */
export function device(name: string): string {
  if (typeof name !== 'string' || !DEVICE_NAME_PATTERN.test(name)) {
    throw renderError(`unsafe device name ${show(name)} (allowed: ${DEVICE_NAME_PATTERN.source})`);
  }
  return `"${name}"`;
}

/** A canonical dotted quad: no leading zeros, each part 0-255. */
export const IPV4_CANONICAL =
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
/** IPv6 literals already proven canonical; a table holds the same backend addresses many times. */
const canonicalV6 = new Set<string>();
const MAX_REMEMBERED = 200_000;

/** An address literal of the given family; only the canonical form is accepted, so reads compare exactly. */
export function addr(address: string, family: 4 | 6): string {
  // Fast paths: this runs for every element of every sync (10^5 at 10,000 LBs).
  if (family === 4 && typeof address === 'string' && IPV4_CANONICAL.test(address)) return address;
  if (family === 6 && canonicalV6.has(address)) return address;
  const parsed = parseAddress(address);
  if (!parsed || parsed.family !== family || parsed.address !== address) {
    throw renderError(`not a canonical IPv${family} address: ${show(address)}`);
  }
  if (family === 6) {
    if (canonicalV6.size >= MAX_REMEMBERED) canonicalV6.clear();
    canonicalV6.add(address);
  }
  return address;
}

/** A port, 1-65535. */
export function port(value: number): string {
  return uint(value, 1, 65535, 'port');
}

/** An integer in [min, max] written in decimal. */
export function uint(value: number, min: number, max: number, what: string): string {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw renderError(`${what} must be an integer ${min}-${max}, got ${show(value)}`);
  }
  return String(value);
}

/** An unsigned 32-bit integer written in hex (seeds, marks). */
export function hex32(value: number, what: string): string {
  uint(value, 0, 0xffffffff, what);
  return `0x${value.toString(16).padStart(8, '0')}`;
}

/** Table comments nlbkit writes: letters, digits, ':', '_', '-' (never needs escaping inside quotes). */
const COMMENT_PATTERN = /^[A-Za-z0-9:_-]{1,100}$/;

/** A comment, written inside double quotes. */
export function comment(text: string): string {
  if (typeof text !== 'string' || !COMMENT_PATTERN.test(text)) {
    throw renderError(`unsafe nft comment ${show(text)} (allowed: ${COMMENT_PATTERN.source})`);
  }
  return `"${text}"`;
}

/** A transport protocol keyword. */
export function proto(value: string): 'tcp' | 'udp' {
  if (value !== 'tcp' && value !== 'udp')
    throw renderError(`protocol must be tcp or udp, got ${show(value)}`);
  return value;
}
