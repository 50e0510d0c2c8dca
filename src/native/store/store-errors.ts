/**
 * The errors every store shares for a store that cannot be read: one that does not exist (never created,
 * or lost: a deleted file, a removed directory, a dropped table) and one that exists but cannot be read.
 * A store that does not exist is never read as an empty one: an agent would remove every service.
 */
import { NLBError } from '../../interfaces/errors.js';

const missing = new WeakSet<NLBError>();

/**
 * The UNAVAILABLE error of a store that does not exist. `where` names it (a path, a schema); `init` is
 * the command that creates it. Retryable: a lost store may come back (restored from a backup).
 */
export function storeMissing(where: string, why: string, init: string): NLBError {
  const error = new NLBError({
    code: 'UNAVAILABLE',
    driver: 'native',
    operation: 'store',
    retryable: true,
    message: `no nlbkit store at ${where}: ${why}. A store is created only on purpose: \`${init}\`, store.create(), or the native driver's first write`,
  });
  missing.add(error);
  return error;
}

/**
 * True for the error of a store that does not exist (see {@link storeMissing}), as opposed to one that
 * exists but cannot be read or reached.
 *
 * @example
 * const store = createFileStore('/var/lib/nlbkit');
 * try { await store.list(); } catch (e) { if (isStoreMissing(e)) console.error('run: nlbkit store init'); }
 */
export const isStoreMissing = (e: unknown): boolean => e instanceof NLBError && missing.has(e);

/**
 * The UNAVAILABLE error of a store file that exists but cannot be used (a directory, unreadable, too
 * big, not JSON): names the file and says why in words; the system error stays as `cause` only.
 */
export function storeUnreadable(path: string, why: string, cause?: unknown): NLBError {
  return new NLBError({
    code: 'UNAVAILABLE',
    driver: 'native',
    operation: 'store',
    retryable: false,
    message: `cannot use ${path}: ${why}`,
    cause,
  });
}

/** Words for a system error's code (what `fs` rejects with), without its raw message. */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (EACCES); run as a user that may read it, or fix its mode';
    case 'EISDIR':
      return 'it is a directory, not a file (EISDIR)';
    case 'ENOTDIR':
      return 'a part of the path is not a directory (ENOTDIR)';
    case 'ELOOP':
      return 'too many symbolic links (ELOOP)';
    case 'ENOENT':
      return 'it does not exist (ENOENT)';
    case 'ENOSPC':
      return 'no space left on the device (ENOSPC)';
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'EMFILE':
    case 'ENFILE':
      return `too many open files (${code})`;
    case 'ERR_FS_FILE_TOO_LARGE':
      return 'it is too large to read (ERR_FS_FILE_TOO_LARGE)';
    default:
      return typeof code === 'string' && /^[A-Z_0-9]{2,40}$/.test(code)
        ? `the system refused (${code})`
        : 'the system refused';
  }
}
