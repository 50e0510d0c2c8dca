/**
 * The options of the AWS driver and the small client shapes it needs, so users can inject their own
 * clients (a stub, `aws-sdk-client-mock`, a client with custom middleware) or SDK modules (`lib`)
 * without nlbkit owning them.
 */
import { z } from 'zod';
import { parseDriverOptions } from '../../common/driver-options.js';
import { renamedOption } from '../../common/renamed-option.js';
import type { WaiterOptions } from '../../common/waiter-options.js';
import { waiterWithDefaults } from '../../common/waiter-options.js';

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

/** @deprecated Use {@link WaiterOptions} (the same shape, shared by every cloud driver). */
export type AwsWaiterOptions = WaiterOptions;

/** A class of SDK client: the driver builds one with the region, credentials, endpoint and retries. */
// biome-ignore lint/suspicious/noExplicitAny: each SDK client's config type is its own; the driver builds it.
type AwsClientClass = new (config: any) => AwsClientLike;

/**
 * The part of `@aws-sdk/client-elastic-load-balancing-v2` the driver uses: the client class and the
 * `<Action>Command` classes (docs/drivers/aws.md lists the actions).
 */
export interface AwsElbv2Lib {
  ElasticLoadBalancingV2Client: AwsClientClass;
}

/** The part of `@aws-sdk/client-ec2` the driver uses: the client class and the `<Action>Command` classes. */
export interface AwsEc2Lib {
  EC2Client: AwsClientClass;
}

/**
 * The SDK modules, given by the user instead of loaded by the driver (so a bundler sees the import,
 * and the SDK can be pinned or wrapped). A module given here is never imported by the driver.
 *
 * @example
 * // Called as libOf(await import('@aws-sdk/client-elastic-load-balancing-v2'),
 * //   await import('@aws-sdk/client-ec2')):
 * const libOf = (elbv2: AwsElbv2Lib, ec2: AwsEc2Lib): AwsLib => ({ elbv2, ec2 });
 */
export interface AwsLib {
  /** `@aws-sdk/client-elastic-load-balancing-v2`. Default: imported on the first call. */
  elbv2?: AwsElbv2Lib | undefined;
  /** `@aws-sdk/client-ec2`. Default: imported on the first call. */
  ec2?: AwsEc2Lib | undefined;
}

/** Options of {@link createAwsDriver}. Every field is optional; AWS's usual defaults apply. */
export interface AwsDriverOptions {
  /** The region, e.g. `eu-west-1`. Default: the SDK's chain (AWS_REGION, profile, IMDS). */
  region?: string | undefined;
  /** Credentials or a provider of them. Default: the SDK's default provider chain. */
  credentials?: AwsCredentials | AwsCredentialProvider | undefined;
  /** An endpoint URL for both ELBv2 and EC2 (tests, LocalStack). Default: AWS's. */
  endpoint?: string | undefined;
  /**
   * Retries per AWS call after the first try, for throttling and transient errors (the SDK's
   * `maxAttempts` is this + 1). Default 4.
   */
  maxRetries?: number | undefined;
  /** @deprecated Use `maxRetries` (= maxAttempts - 1); kept for one more release. Attempts, first try included. */
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
  /**
   * Polling of load-balancer state until active or deleted. Defaults: minDelayMs 5000 (AWS's own
   * waiter waits 15 s), maxDelayMs 30000, maxWaitMs 600000 (10 minutes). Every field applies on AWS.
   */
  waiter?: WaiterOptions | undefined;
  /** The SDK modules to use instead of importing them (see {@link AwsLib}). Default: imported lazily. */
  lib?: AwsLib | undefined;
  /**
   * The tag key that marks load balancers and target groups as nlbkit's; its value is the NLB's name.
   * Only load balancers carrying it are listed, read or changed. Default `nlbkit:nlb`.
   */
  managedTagKey?: string | undefined;
}

/** The options with every default filled in. */
export interface ResolvedAwsOptions {
  managedTagKey: string;
  waiter: Required<WaiterOptions>;
  /** The SDK's maxAttempts: maxRetries + 1. */
  maxAttempts: number;
}

/** The driver's name in errors and capabilities. */
export const AWS_DRIVER_NAME = 'aws';
/** The default tag key marking nlbkit-managed resources. */
export const DEFAULT_MANAGED_TAG_KEY = 'nlbkit:nlb';
/** Tag key holding the VPC's nameId, so reads give back the name the user gave. */
export const VPC_NAME_TAG_KEY = 'nlbkit:vpc';
/** Tag with one id per createNLB call, on what it makes: its clean-up removes only that. */
export const CREATE_ID_TAG_KEY = 'nlbkit:create-id';

const ms = z.number().positive();
const optionsSchema = z.object({
  maxRetries: z.number().int().min(0).max(20),
  waiter: z.object({ minDelayMs: ms, maxDelayMs: ms, maxWaitMs: ms }),
});

/**
 * Fills the defaults of the options that are not about building clients; INVALID_ARGUMENT names a
 * malformed number, or a deprecated name given beside its new one.
 */
export function resolveAwsOptions(options: AwsDriverOptions): ResolvedAwsOptions {
  const maxRetries = renamedOption(AWS_DRIVER_NAME, 'createAwsDriver', {
    name: 'maxRetries',
    value: options.maxRetries,
    was: 'maxAttempts',
    wasValue: options.maxAttempts === undefined ? undefined : options.maxAttempts - 1,
  });
  const parsed = parseDriverOptions(
    optionsSchema,
    {
      maxRetries: maxRetries ?? 4,
      waiter: waiterWithDefaults(options.waiter, { minDelayMs: 5000, maxDelayMs: 30000, maxWaitMs: 600000 }),
    },
    AWS_DRIVER_NAME,
    'createAwsDriver',
    'see docs/drivers/aws.md',
  );
  return {
    managedTagKey: options.managedTagKey ?? DEFAULT_MANAGED_TAG_KEY,
    waiter: parsed.waiter,
    maxAttempts: parsed.maxRetries + 1,
  };
}
