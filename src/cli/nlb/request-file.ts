/**
 * `--file`: a request as YAML or JSON (JSON is YAML), read as data. The schema check is the library's
 * own, run by the handler (or by `--dry-run`); here only reading fails, as INVALID_ARGUMENT naming the
 * file and line, never quoting its text.
 */
import { readFile } from 'node:fs/promises';
import { parse, YAMLParseError } from 'yaml';
import { NLBError } from '../../interfaces/errors.js';
import { quoteInput } from '../../interfaces/input-text.js';

/** The largest request file read, in bytes: 1000 VMs fit many times over. */
export const MAX_REQUEST_FILE_BYTES = 1024 * 1024;

/** Reads `path` (`-`: stdin is not supported; give a file) as YAML or JSON data for `operation`. */
export async function readRequestFile(path: string, operation: string): Promise<unknown> {
  const fail = (message: string) =>
    new NLBError({
      code: 'INVALID_ARGUMENT',
      driver: 'cli',
      operation,
      message: `--file ${quoteInput(path, 200)}: ${message}`,
    });
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw fail(`cannot be read (${(e as { code?: string }).code ?? 'error'})`);
  }
  if (Buffer.byteLength(text) > MAX_REQUEST_FILE_BYTES)
    throw fail(`is larger than ${MAX_REQUEST_FILE_BYTES} bytes`);
  try {
    return parse(text, { maxAliasCount: 50, uniqueKeys: true });
  } catch (e) {
    // Position and code only: the parser's message quotes the line, which may hold anything.
    const where = e instanceof YAMLParseError ? ` at line ${e.linePos?.[0].line ?? '?'} (${e.code})` : '';
    throw fail(`is not valid YAML or JSON${where}`);
  }
}
