/** Parsing a driver's options (given values merged with the environment) into one clear error. */
import type { z } from 'zod';
import { NLBError } from '../interfaces/errors.js';

/**
 * Parses `input` with `schema`; an INVALID_ARGUMENT names the first bad option, and for a missing one
 * says `whereElse` (e.g. `set the AZURE_* environment variable`).
 */
export function parseDriverOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  driver: string,
  factory: string,
  whereElse: string,
): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.join('.') || '(options)';
  const missing = issue?.code === 'invalid_type' || issue?.code === 'invalid_union';
  throw new NLBError({
    code: 'INVALID_ARGUMENT',
    driver,
    operation: factory,
    message: missing
      ? `options.${path} is missing or incomplete (give it, or ${whereElse})`
      : `options.${path}: ${issue?.message ?? 'invalid'}`,
  });
}
