/**
 * The lines of the file store's log (`state.log`, format 2). Each line is `<checksum> <json>\n`, the
 * checksum the first 8 hex digits of the JSON's SHA-256, so a line cut short by a kill -9 (no newline
 * yet) or damaged by a power loss (bad checksum) is told apart from a written one:
 *
 *   {"format":2,"revision":R,"count":N,"id":"..."}  header: the store revision R, then N snapshot
 *                                         lines; `id` is random per file (see state-log.ts)
 *   {"r":5,"put":{...record}}             a record at its revision (snapshot lines: any order)
 *   {"r":9,"del":"web"}                   a delete (after the snapshot only)
 *
 * After the snapshot, every line is the next revision: R+1, R+2... Everything is validated with the
 * same schemas as the format-1 state.json (agents feed records to nft).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { NLB_NAME_PATTERN } from '../../interfaces/schemas.js';
import { nlbRecordSchema } from './store-schema.js';
import type { NLBRecord } from './types.js';

/** The first line of a log. */
export interface LogHeader {
  format: 2;
  revision: number;
  count: number;
  /** 16 random hex digits, new with every file written whole (creation, compaction, migration). */
  id: string;
}

/** One change (or, in the snapshot, one record). */
export type LogEntry = { r: number; put: NLBRecord } | { r: number; del: string };

const headerSchema = z.strictObject({
  format: z.literal(2),
  revision: z.number().int().min(0),
  count: z.number().int().min(0),
  id: z.string().regex(/^[0-9a-f]{16}$/),
});
const entrySchema = z.union([
  z.strictObject({ r: z.number().int().min(1), put: nlbRecordSchema }),
  z.strictObject({ r: z.number().int().min(1), del: z.string().regex(NLB_NAME_PATTERN) }),
]);

const checksum = (json: string) => createHash('sha256').update(json).digest('hex').slice(0, 8);

/** One line for `value`, newline included. */
export function encodeLine(value: LogHeader | LogEntry): string {
  const json = JSON.stringify(value);
  return `${checksum(json)} ${json}\n`;
}

/** A complete line's JSON value, or undefined when its checksum or JSON is wrong. */
function decodeLine(line: string): unknown {
  if (line.length < 10 || line[8] !== ' ') return undefined;
  const json = line.slice(9);
  if (checksum(json) !== line.slice(0, 8)) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/** Why a log cannot be used (thrown by {@link parseHeader}, {@link parseEntry}). */
export class LogFormatError extends Error {}

/** The header line's value, validated. */
export function parseHeader(value: unknown): LogHeader {
  const parsed = headerSchema.safeParse(value);
  if (!parsed.success) throw new LogFormatError('its first line is not a valid nlbkit state log header');
  return parsed.data;
}

/** An entry line's value, validated (the record as the format-1 schema checks it). */
export function parseEntry(value: unknown): LogEntry {
  const parsed = entrySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LogFormatError(
      `it holds a line that is not a valid nlbkit change: ${issue?.path.join('.') || 'the line'}: ${issue?.message}`,
    );
  }
  return parsed.data as LogEntry;
}

/** The complete, intact lines at the start of `bytes`, and where they end. */
export interface ScannedLines {
  /** Each intact line's JSON value and its length in bytes (newline included). */
  lines: { value: unknown; bytes: number }[];
  /** Bytes consumed: the end of the last intact line. */
  end: number;
  /**
   * What follows the intact lines: `none`, `torn` (an unfinished line, or one damaged line at the very
   * end: a write that was never acknowledged) or `damaged` (a bad line with more after it).
   */
  tail: 'none' | 'torn' | 'damaged';
}

/** Splits `bytes` into intact lines (see {@link ScannedLines}). */
export function scanLines(bytes: Buffer): ScannedLines {
  const lines: ScannedLines['lines'] = [];
  let start = 0;
  for (;;) {
    const nl = bytes.indexOf(0x0a, start);
    if (nl < 0) return { lines, end: start, tail: start === bytes.length ? 'none' : 'torn' };
    const value = decodeLine(bytes.toString('utf8', start, nl));
    if (value === undefined) return { lines, end: start, tail: nl + 1 === bytes.length ? 'torn' : 'damaged' };
    lines.push({ value, bytes: nl + 1 - start });
    start = nl + 1;
  }
}
