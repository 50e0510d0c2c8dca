/**
 * The only gate between typed values and BIRD configuration text. Every symbol, prefix and quoted
 * string nlbkit writes into its include file is checked here, right before it is written, so a value
 * that slipped past the option checks makes rendering throw before any file is touched or `birdc` runs.
 */
import { NLBError } from '../../../interfaces/errors.js';
import { parseAddress } from '../../../interfaces/schemas.js';

/** BIRD symbols nlbkit writes (protocol names): a letter, then letters, digits or '_'; never a keyword. */
export const BIRD_SYMBOL_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;

/**
 * Absolute file paths nlbkit hands to BIRD or birdc: no quote, backslash, whitespace or control
 * character can end a BIRD string or a command argument early, and no `..` climbs out.
 */
export const BIRD_PATH_PATTERN = /^\/(?:[A-Za-z0-9_.+-]+\/)*[A-Za-z0-9_.+-]+$/;

/** The error every rejected value raises: INVALID_ARGUMENT, before anything runs. */
export function birdValueError(message: string, operation = 'render'): NLBError {
  return new NLBError({ code: 'INVALID_ARGUMENT', driver: 'native', operation, message });
}

/** Short, printable description of a rejected value (no control characters). */
function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A protocol name. */
export function symbol(name: string, operation = 'render'): string {
  if (typeof name !== 'string' || !BIRD_SYMBOL_PATTERN.test(name))
    throw birdValueError(
      `unsafe BIRD name ${show(name)} (allowed: ${BIRD_SYMBOL_PATTERN.source})`,
      operation,
    );
  return name;
}

/** An absolute path, checked; rendered by {@link quotedPath} when it goes into BIRD text. */
export function path(value: string, what = 'path', operation = 'render'): string {
  if (
    typeof value !== 'string' ||
    value.length > 1024 ||
    !BIRD_PATH_PATTERN.test(value) ||
    value.split('/').some((part) => part === '..' || part === '.')
  )
    throw birdValueError(
      `unsafe ${what} ${show(value)} (an absolute path of letters, digits, '_', '.', '+', '-')`,
      operation,
    );
  return value;
}

/** A path as a BIRD string literal (the path pattern admits nothing that needs escaping). */
export function quotedPath(value: string): string {
  return `"${path(value)}"`;
}

/** A host prefix for `address`: `/32` for IPv4, `/128` for IPv6; only canonical addresses pass. */
export function hostPrefix(address: string, family: 4 | 6): string {
  const parsed = parseAddress(address);
  if (!parsed || parsed.family !== family || parsed.address !== address)
    throw birdValueError(`not a canonical IPv${family} address: ${show(address)}`);
  return `${address}/${family === 4 ? 32 : 128}`;
}
