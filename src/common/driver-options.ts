/** Parsing a driver's options (given values merged with the environment) into one clear error. */
import type { z } from 'zod';
import { NLBError } from '../interfaces/errors.js';

/**
 * Parses `input` with `schema`; an INVALID_ARGUMENT names the first bad option, and for a missing one
 * says where else it can come from: `whereElse` as it is (e.g. `set the OS_* environment variables`),
 * or, given a map from option to environment variable, `set <that variable>`.
 */
export function parseDriverOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  driver: string,
  factory: string,
  whereElse: string | Readonly<Record<string, string>>,
): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.join('.') || '(options)';
  const missing = issue?.code === 'invalid_type' || issue?.code === 'invalid_union';
  const envVar = typeof whereElse === 'string' ? undefined : whereElse[path];
  const where = typeof whereElse === 'string' ? whereElse : envVar ? `set ${envVar}` : 'see the docs';
  throw new NLBError({
    code: 'INVALID_ARGUMENT',
    driver,
    operation: factory,
    message: missing
      ? `options.${path} is missing or incomplete (give it, or ${where})`
      : `options.${path}: ${issue?.message ?? 'invalid'}`,
  });
}
