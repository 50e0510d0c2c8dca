/**
 * Options renamed in a release keep their old name one more release as a deprecated alias, so a
 * user's code does not break on upgrade; giving both names is a mistake worth an error, since the
 * two may disagree.
 */
import { NLBError } from '../interfaces/errors.js';

/** A driver option as it may be given under its new name or its deprecated one. */
export interface RenamedOption<T> {
  /** The new name, e.g. `maxRetries`. */
  name: string;
  value: T | undefined;
  /** The deprecated name, e.g. `maxAttempts`. */
  was: string;
  /** The deprecated option's value, already converted to the new option's meaning. */
  wasValue: T | undefined;
}

/**
 * The option's value under its new name, else under its deprecated one; INVALID_ARGUMENT naming both
 * when both are given.
 *
 * @example
 * const maxRetries = renamedOption('aws', 'createAwsDriver',
 *   { name: 'maxRetries', value: undefined, was: 'maxAttempts', wasValue: 3 - 1 }); // 2
 */
export function renamedOption<T>(driver: string, factory: string, o: RenamedOption<T>): T | undefined {
  if (o.value !== undefined && o.wasValue !== undefined)
    throw new NLBError({
      code: 'INVALID_ARGUMENT',
      driver,
      operation: factory,
      message: `options.${o.name} and options.${o.was} are both given: options.${o.was} is the deprecated name of options.${o.name}; give only options.${o.name}`,
    });
  return o.value ?? o.wasValue;
}
