/**
 * Small assertions for the conformance cases. They do not depend on vitest, so the cases can run
 * under any runner and the suite's own tests can run a case and catch its failure.
 */
import { inspect, isDeepStrictEqual } from 'node:util';
import { isNLBError, type NLBError, type NLBErrorCode } from '../interfaces/errors.js';

/** Thrown when a conformance expectation does not hold. */
export class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';
}

/** Fails unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

/** Fails unless `actual` deep-equals `expected`. */
export function checkEqual<T>(actual: T, expected: T, message: string): void {
  if (!isDeepStrictEqual(actual, expected))
    throw new ConformanceFailure(
      `${message}\n  expected: ${inspect(expected, { depth: 6 })}\n  actual:   ${inspect(actual, { depth: 6 })}`,
    );
}

/**
 * Awaits `promise` and fails unless it rejects with an NLBError of one of `codes`; when `path` is given,
 * the error must name that field (in a violation or in its message). Returns the error.
 */
export async function checkRejects(
  promise: Promise<unknown>,
  codes: NLBErrorCode | NLBErrorCode[],
  what: string,
  path?: string,
): Promise<NLBError> {
  const wanted = Array.isArray(codes) ? codes : [codes];
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (e) {
    if (!isNLBError(e)) throw new ConformanceFailure(`${what}: threw a non-NLBError: ${inspect(e)}`);
    check(
      wanted.includes(e.code),
      `${what}: expected code ${wanted.join('|')}, got ${e.code} (${e.message})`,
    );
    if (path) {
      const named =
        e.violations.some((v) => v.path === path || v.path.startsWith(`${path}.`)) ||
        e.message.includes(path);
      check(named, `${what}: the error does not name the field '${path}': ${e.message}`);
    }
    return e;
  }
  throw new ConformanceFailure(
    `${what}: expected an NLBError ${wanted.join('|')}, but it resolved to ${inspect(outcome)}`,
  );
}

/** The names of a list of IIDs, sorted. */
export const names = (iids: readonly { nameId: string }[]): string[] => iids.map((i) => i.nameId).sort();
