/**
 * Reading a connections file: YAML, validated with {@link connectionsFileSchema}. Every problem is
 * an INVALID_ARGUMENT naming the field; no message ever quotes a value from the file, which may hold
 * a secret someone wrote inline by mistake (such a value is refused, see {@link looksLikeSecret}).
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import { NLBError, type Violation, violationsError } from '../../interfaces/errors.js';
import { joinPath } from '../../interfaces/input-text.js';
import { toViolations } from '../../interfaces/schemas.js';
import { type ConnectionsFile, connectionsFileSchema } from './connections-schema.js';
import { looksLikeSecret } from './secret-ref.js';

/** A connections file, parsed, with the directory its relative paths start from. */
export interface LoadedConnections {
  file: ConnectionsFile;
  baseDir: string;
}

const DRIVER = 'server';
const OPERATION = 'loadConnections';
/** The largest connections file read, in bytes; a config is small. */
export const MAX_CONNECTIONS_FILE_BYTES = 1024 * 1024;

/** Reads and validates a connections file (`nlbkit serve --config FILE`). */
export async function loadConnectionsFile(path: string): Promise<LoadedConnections> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new NLBError({
      code: 'INVALID_ARGUMENT',
      driver: DRIVER,
      operation: OPERATION,
      message: `cannot read the connections file ${JSON.stringify(path)} (${(e as { code?: string }).code ?? 'error'})`,
    });
  }
  return { file: parseConnections(text, path), baseDir: dirname(resolve(path)) };
}

/** Parses the text of a connections file; `source` names it in errors. */
export function parseConnections(text: string, source = 'connections file'): ConnectionsFile {
  if (Buffer.byteLength(text) > MAX_CONNECTIONS_FILE_BYTES)
    throw invalid(`${source} is larger than ${MAX_CONNECTIONS_FILE_BYTES} bytes`);
  let data: unknown;
  try {
    data = parse(text, { maxAliasCount: 50, uniqueKeys: true });
  } catch (e) {
    // Only the position and code: the parser's own message quotes the source line.
    const where = e instanceof YAMLParseError ? ` at line ${e.linePos?.[0].line ?? '?'} (${e.code})` : '';
    throw invalid(`${source} is not valid YAML${where}`);
  }
  const secrets = inlineSecrets(data, '');
  if (secrets.length > 0) throw violationsError(DRIVER, OPERATION, secrets);
  const parsed = connectionsFileSchema.safeParse(data);
  if (!parsed.success) throw violationsError(DRIVER, OPERATION, toViolations(parsed.error));
  return parsed.data;
}

/** Every string in `value` that looks like a secret, as a violation naming where (not what). */
function inlineSecrets(value: unknown, path: string): Violation[] {
  if (typeof value === 'string')
    return looksLikeSecret(value)
      ? [
          {
            path,
            message:
              'looks like a secret written inline: refer to it with { fromEnv: NAME } or { fromFile: PATH }',
            code: 'INVALID_ARGUMENT',
          },
        ]
      : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => inlineSecrets(v, joinPath(path, i)));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => inlineSecrets(v, joinPath(path, k)));
  return [];
}

function invalid(message: string): NLBError {
  return new NLBError({ code: 'INVALID_ARGUMENT', driver: DRIVER, operation: OPERATION, message });
}
