/**
 * The options of the AWS driver and the small client shapes it needs, so users can inject their own
 * clients (a stub, `aws-sdk-client-mock`, a client with custom middleware) without nlbkit owning them.
 */

/** Static AWS credentials. Never logged, never put in an error message. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  expiration?: Date | undefined;
}

/** A function that returns credentials, as the SDK's credential providers do. */
export type AwsCredentialProvider = () => Promise<AwsCredentials>;

/**
 * The subset of an AWS SDK v3 client the driver uses: `send` with an abort signal. Both
 * `ELBv2Client` and `EC2Client` fit it.
 */
export interface AwsClientLike {
  // biome-ignore lint/suspicious/noExplicitAny: SDK commands are generic classes; the driver builds them itself.
  send(command: any, options?: { abortSignal?: AbortSignal | undefined }): Promise<any>;
}

/** How long the driver waits for a load balancer to become active or to disappear. */
export interface AwsWaiterOptions {
  /** First delay between polls, in ms. Default 5000 (AWS's own waiter default is 15 s). */
  minDelayMs?: number | undefined;
  /** Longest delay between polls, in ms; delays double up to it. Default 30000. */
  maxDelayMs?: number | undefined;
  /** Gives up with a TIMEOUT error after this long, in ms. Default 600000 (10 minutes). */
  maxWaitMs?: number | undefined;
}

/** Options of {@link createAwsDriver}. Every field is optional; AWS's usual defaults apply. */
export interface AwsDriverOptions {
  /** The region, e.g. `eu-west-1`. Default: the SDK's chain (AWS_REGION, profile, IMDS). */
  region?: string | undefined;
  /** Credentials or a provider of them. Default: the SDK's default provider chain. */
  credentials?: AwsCredentials | AwsCredentialProvider | undefined;
  /** An endpoint URL for both ELBv2 and EC2 (tests, LocalStack). Default: AWS's. */
  endpoint?: string | undefined;
  /** Attempts per AWS call, first try included, for throttling and transient errors. Default 5. */
  maxAttempts?: number | undefined;
  /**
   * Delay before retry number `attempt` (1-based), in ms, or a constant. Default: the SDK's standard
   * exponential backoff with jitter.
   */
  retryBackoffMs?: number | ((attempt: number) => number) | undefined;
  /** An ELBv2 client to use instead of building one (the other client options are then ignored for it). */
  elbv2Client?: AwsClientLike | undefined;
  /** An EC2 client to use instead of building one. */
  ec2Client?: AwsClientLike | undefined;
  /** Polling of load-balancer state. */
  waiter?: AwsWaiterOptions | undefined;
  /**
   * The tag key that marks load balancers and target groups as nlbkit's; its value is the NLB's name.
   * Only load balancers carrying it are listed, read or changed. Default `nlbkit:nlb`.
   */
  managedTagKey?: string | undefined;
}

/** The options with every default filled in. */
export interface ResolvedAwsOptions {
  managedTagKey: string;
  waiter: Required<AwsWaiterOptions>;
}

/** The driver's name in errors and capabilities. */
export const AWS_DRIVER_NAME = 'aws';
/** The default tag key marking nlbkit-managed resources. */
export const DEFAULT_MANAGED_TAG_KEY = 'nlbkit:nlb';
/** Tag key holding the VPC's nameId, so reads give back the name the user gave. */
export const VPC_NAME_TAG_KEY = 'nlbkit:vpc';
/** Tag with one id per createNLB call, on what it makes: its clean-up removes only that. */
export const CREATE_ID_TAG_KEY = 'nlbkit:create-id';

/** Fills the defaults of the options that are not about building clients. */
export function resolveAwsOptions(options: AwsDriverOptions): ResolvedAwsOptions {
  return {
    managedTagKey: options.managedTagKey ?? DEFAULT_MANAGED_TAG_KEY,
    waiter: {
      minDelayMs: options.waiter?.minDelayMs ?? 5000,
      maxDelayMs: options.waiter?.maxDelayMs ?? 30000,
      maxWaitMs: options.waiter?.maxWaitMs ?? 600000,
    },
  };
}
