/**
 * Secrets in a connections file are references, never values: `{ fromEnv: NAME }` or
 * `{ fromFile: PATH }`. They are resolved when the connection is created, so a missing variable is
 * that connection's error (and `nlbkit serve --check` reports it) and never the others'.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { NLBError } from '../../interfaces/errors.js';

/** Environment variable names: upper-case letters, digits and '_', not starting with a digit. */
export const ENV_NAME_PATTERN = /^[A-Z_][A-Z0-9_]{0,127}$/;

const refOptions = [
  z.strictObject({
    fromEnv: z.string().regex(ENV_NAME_PATTERN, { error: 'must be an environment variable name' }),
  }),
  z.strictObject({ fromFile: z.string().min(1).max(4096) }),
] as const;

/** A secret's value is read from an environment variable or from a file (relative to the config file). */
export const secretRefSchema = z.union(refOptions);

/** A reference to a secret, as the connections file holds it. */
export type SecretRef = z.infer<typeof secretRefSchema>;

/**
 * The schema of a field that holds a credential: a {@link SecretRef}. A plain string there is refused
 * with a message that says how to refer to it instead, and never repeats the value.
 */
export const credentialSchema = z
  .union(refOptions, {
    error: (issue) =>
      typeof issue.input === 'string'
        ? 'is a credential and must not be written inline: use { fromEnv: NAME } or { fromFile: PATH }'
        : 'must be { fromEnv: NAME } or { fromFile: PATH }',
  })
  .meta({ description: 'A credential, by reference only: { fromEnv: NAME } or { fromFile: PATH }.' });

/** Where references are resolved: the environment, and the directory relative file paths start from. */
export interface SecretSources {
  env: Readonly<Record<string, string | undefined>>;
  baseDir: string;
}

/**
 * The value a reference names; INVALID_ARGUMENT naming the variable or file (never the value) when
 * it is unset, empty or unreadable. `driver` is the connection's driver, for the error.
 */
export function resolveSecret(ref: SecretRef, sources: SecretSources, driver: string, field: string): string {
  const fail = (message: string, cause?: unknown) =>
    new NLBError({
      code: 'INVALID_ARGUMENT',
      driver,
      operation: 'createConnection',
      message: `${field}: ${message}`,
      cause:
        cause === undefined
          ? undefined
          : { name: 'Error', message: String((cause as { code?: unknown }).code ?? '') },
    });
  if ('fromEnv' in ref) {
    const value = sources.env[ref.fromEnv];
    if (!value) throw fail(`the environment variable ${ref.fromEnv} is not set`);
    return value;
  }
  const path = isAbsolute(ref.fromFile) ? ref.fromFile : resolve(sources.baseDir, ref.fromFile);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw fail(`cannot read the file ${JSON.stringify(path)}`, e);
  }
  const value = text.trim();
  if (!value) throw fail(`the file ${JSON.stringify(path)} is empty`);
  return value;
}

// Shapes of well-known secrets: an AWS access key id, a PEM private key, a URL with a password.
const SECRET_SHAPES = [
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /:\/\/[^/\s:@]+:[^/\s@]+@/,
];

/** True when a string looks like a secret written inline (an access key, a private key, a URL password). */
export function looksLikeSecret(text: string): boolean {
  return SECRET_SHAPES.some((shape) => shape.test(text));
}
