/**
 * Errors the fake answers with. Handlers throw {@link AwsFault}; the server turns it into the exact XML
 * body of the service that was called (awsQuery or ec2Query), so the real SDK builds its own
 * exception classes from it.
 */

/** A service error: code, HTTP status and message, as AWS would send them. */
export class AwsFault extends Error {
  /** The AWS error code, e.g. `DuplicateLoadBalancerName`; the SDK names its exception after it. */
  readonly code: string;
  /** HTTP status; AWS sends 400 for client errors and 5xx for its own faults. */
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = 'AwsFault';
    this.code = code;
    this.status = status;
  }

  /** `Sender` for 4xx, `Receiver` for 5xx, as the awsQuery `<Type>` element says. */
  get faultType(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}

/** The generic input error both services use for bad parameter values. */
export function validationError(message: string): AwsFault {
  return new AwsFault('ValidationError', message);
}

/** The message AWS gives when a required member is absent. */
export function missingParam(name: string): AwsFault {
  return validationError(
    `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
  );
}
