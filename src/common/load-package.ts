/** Loading a driver's optional peer dependency on first use, with an error that says how to add it. */
import { NLBError } from '../interfaces/errors.js';

/**
 * Imports a module by name; a seam so tests can pretend a package is missing.
 *
 * @example
 * const missing: ModuleImporter = async (name) => {
 *   throw new Error(`Cannot find package '${name}'`);
 * };
 * await loadPackage('toy', 'toy', 'toy-sdk', 'createNLB', missing).catch((e) => console.log(e.code)); // 'PROVIDER_ERROR'
 */
export type ModuleImporter = (name: string) => Promise<unknown>;

export const defaultImporter: ModuleImporter = (name) => import(name);

/**
 * Imports `name`, or throws a PROVIDER_ERROR (not retryable) naming the package and the npm line.
 * `label` is how the message names the driver (e.g. `AWS`); `why` may say what the package is for
 * (default none). `importer` defaults to `import()`.
 *
 * @example
 * const getSdk = retryingOnce(() => loadPackage<{ version: string }>('toy', 'toy', 'toy-sdk', 'listNLB'));
 */
export async function loadPackage<T>(
  driver: string,
  label: string,
  name: string,
  operation: string,
  importer: ModuleImporter = defaultImporter,
  why = '',
): Promise<T> {
  try {
    return (await importer(name)) as T;
  } catch (e) {
    throw new NLBError({
      code: 'PROVIDER_ERROR',
      driver,
      operation,
      retryable: false,
      message: `the ${label} driver needs the package '${name}'${why}; install it with: npm install ${name}`,
      cause: e,
    });
  }
}
