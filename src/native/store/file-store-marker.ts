/**
 * `state.json`, the file that makes a directory a file store. Since format 2 it only says where the
 * records are (`{"format":2,"log":"state.log"}`): a version of nlbkit that reads format 1 refuses it
 * with UNAVAILABLE (and its agents keep the kernel as it is) instead of reading stale records. A
 * format-1 state.json (every record in one document, written by earlier versions) is still read as it
 * is, and replaced by a log on the next write (see file-store.ts).
 */
import { readFile, stat } from 'node:fs/promises';
import type { NLBError } from '../../interfaces/errors.js';
import { documentFromParsed, type StateDocument } from './state-document.js';
import { fsReason, storeUnreadable } from './store-errors.js';
import { stateDocumentSchema } from './store-schema.js';

/** What state.json says: the log holds the records (2), or it holds them itself (1). */
export type Marker = { format: 2 } | { format: 1; doc: StateDocument };

/** state.json of a format-2 store. */
export const MARKER_JSON = `${JSON.stringify({ format: 2, log: 'state.log' })}\n`;

const ERRNO = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;

/**
 * Reads state.json, again only when its inode, mtime or size changed. `missing` builds the error of a
 * store that does not exist (state.json absent). Every other failure is UNAVAILABLE naming the file.
 */
export function createMarkerReader(
  statePath: string,
  maxStateBytes: number,
  missing: (e: unknown) => Promise<NLBError>,
) {
  let cache: { sig: string; marker: Marker } | undefined;

  /** The file's signature; throws when the store does not exist or the file cannot be used. */
  async function signature(): Promise<{ sig: string; size: bigint }> {
    let s: Awaited<ReturnType<typeof statBig>>;
    try {
      s = await statBig(statePath);
    } catch (e) {
      if (ERRNO(e) === 'ENOENT' || ERRNO(e) === 'ENOTDIR') throw await missing(e);
      throw storeUnreadable(statePath, fsReason(e), e);
    }
    if (s.isDirectory()) throw storeUnreadable(statePath, fsReason({ code: 'EISDIR' }));
    // A FIFO or a device would block the read, or never end.
    if (!s.isFile()) throw storeUnreadable(statePath, 'it is not a regular file');
    return { sig: `${s.ino}:${s.mtimeNs}:${s.size}`, size: s.size };
  }

  async function read(): Promise<Marker> {
    const { sig, size } = await signature();
    if (cache?.sig === sig) return cache.marker;
    if (size > BigInt(maxStateBytes))
      throw storeUnreadable(
        statePath,
        `it is ${size} bytes, more than the ${maxStateBytes} this store reads (maxStateBytes); it is not a state nlbkit wrote`,
      );
    let text: string;
    try {
      text = await readFile(statePath, 'utf8');
    } catch (e) {
      if (ERRNO(e) === 'ENOENT') throw await missing(e);
      throw storeUnreadable(statePath, fsReason(e), e);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw storeUnreadable(statePath, 'it is not valid JSON; restore it from a backup', e);
    }
    const marker = toMarker(parsed);
    cache = { sig, marker };
    return marker;
  }

  function toMarker(parsed: unknown): Marker {
    if (text(parsed) === MARKER_JSON) return { format: 2 };
    const result = stateDocumentSchema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw storeUnreadable(
        statePath,
        `it does not hold a valid nlbkit state: ${issue?.path.join('.') || 'the document'}: ${issue?.message}`,
      );
    }
    const doc = documentFromParsed(result.data as unknown as Parameters<typeof documentFromParsed>[0]);
    return { format: 1, doc };
  }

  return { signature, read };
}

/** A parsed value as the marker would be written, to compare it with the one format-2 marker. */
const text = (value: unknown) => `${JSON.stringify(value)}\n`;
const statBig = (path: string) => stat(path, { bigint: true });
