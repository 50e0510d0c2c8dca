/**
 * What went wrong, as a code callers can branch on.
 *
 * @example
 * const worthRetrying = (code: NLBErrorCode) => code === 'THROTTLED' || code === 'UNAVAILABLE';
 */
export type NLBErrorCode =
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'INVALID_ARGUMENT'
  | 'UNSUPPORTED'
  | 'CONFLICT'
  | 'THROTTLED'
  | 'UNAVAILABLE'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'PERMISSION_DENIED'
  | 'PROVIDER_ERROR';

/** Codes that are worth retrying unless the caller says otherwise. */
const RETRYABLE_BY_DEFAULT: ReadonlySet<NLBErrorCode> = new Set(['THROTTLED', 'UNAVAILABLE', 'TIMEOUT']);

/**
 * One thing wrong with an input: the field's path (e.g. `healthChecker.interval`) and why.
 *
 * @example
 * const v: Violation = { path: 'healthChecker.interval', message: '1 is out of range', allowed: '5-300', code: 'UNSUPPORTED' };
 */
export interface Violation {
  path: string;
  message: string;
  /** The values or range that would have been accepted, when there is such a list. */
  allowed?: string | undefined;
  /** INVALID_ARGUMENT: the value is wrong for everyone. UNSUPPORTED: this driver cannot do it. */
  code: 'INVALID_ARGUMENT' | 'UNSUPPORTED';
}

/**
 * Everything an NLBError is built from.
 *
 * @example
 * const init: NLBErrorInit = { code: 'NOT_FOUND', driver: 'toy', operation: 'getNLB', message: "no NLB named 'web'" };
 * const error = new NLBError(init);
 */
export interface NLBErrorInit {
  code: NLBErrorCode;
  message: string;
  /** The driver's name, e.g. `aws`. */
  driver: string;
  /** The NLBHandler method, e.g. `createNLB`. */
  operation: string;
  /** Overrides the default (THROTTLED, UNAVAILABLE and TIMEOUT retry; the rest do not). */
  retryable?: boolean | undefined;
  /** Every input problem found, for INVALID_ARGUMENT and UNSUPPORTED. */
  violations?: Violation[] | undefined;
  /** The provider's own error. */
  cause?: unknown;
}

/**
 * The one error type every nlbkit driver throws.
 *
 * @example
 * const nlb = createMockDriver();
 * try { await nlb.getNLB({ nameId: 'web' }); }
 * catch (e) { if (isNLBError(e) && e.code === 'NOT_FOUND') console.log('no NLB named web'); }
 */
export class NLBError extends Error {
  override readonly name = 'NLBError';
  readonly code: NLBErrorCode;
  readonly driver: string;
  readonly operation: string;
  readonly retryable: boolean;
  readonly violations: readonly Violation[];

  constructor(init: NLBErrorInit) {
    super(`[nlbkit] [${init.driver}] ${init.operation}: ${init.message}`, { cause: init.cause });
    this.code = init.code;
    this.driver = init.driver;
    this.operation = init.operation;
    this.retryable = init.retryable ?? RETRYABLE_BY_DEFAULT.has(init.code);
    this.violations = Object.freeze([...(init.violations ?? [])]);
  }
}

/**
 * True when `e` is an NLBError (works across copies of the package, by duck typing the brand).
 *
 * @example
 * await createMockDriver().getNLB({ nameId: 'web' }).catch((e: unknown) => {
 *   if (isNLBError(e)) console.log(e.code); // 'NOT_FOUND'
 * });
 */
export function isNLBError(e: unknown): e is NLBError {
  return (
    e instanceof NLBError ||
    (e instanceof Error && e.name === 'NLBError' && typeof (e as { code?: unknown }).code === 'string')
  );
}

/** The most violations an error's message lists, so it stays short; `violations` holds them all. */
export const MAX_VIOLATIONS_IN_MESSAGE = 10;

/**
 * Builds the INVALID_ARGUMENT / UNSUPPORTED error for a list of violations (UNSUPPORTED only when all are).
 *
 * @example
 * const error = violationsError('toy', 'createNLB', [
 *   { path: 'listener.port', message: 'must be 80 on toy', allowed: '80', code: 'UNSUPPORTED' },
 * ]);
 * console.log(error.code); // 'UNSUPPORTED'
 */
export function violationsError(driver: string, operation: string, violations: Violation[]): NLBError {
  const code = violations.every((v) => v.code === 'UNSUPPORTED') ? 'UNSUPPORTED' : 'INVALID_ARGUMENT';
  const more = violations.length - MAX_VIOLATIONS_IN_MESSAGE;
  const text =
    violations
      .slice(0, MAX_VIOLATIONS_IN_MESSAGE)
      .map((v) => `${v.path || '(input)'}: ${v.message}${v.allowed ? ` (allowed: ${v.allowed})` : ''}`)
      .join('; ') + (more > 0 ? `; and ${more} more (see violations)` : '');
  return new NLBError({ code, driver, operation, message: text, violations });
}
