/**
 * Loads the AWS SDK lazily (unless the user gave the modules as `options.lib`) and builds the two
 * clients. Nothing here runs at import time, so `import 'nlbkit'` (or even `import 'nlbkit/aws'`)
 * never loads the SDK; a missing package becomes an NLBError that names it.
 */
import { createRequire } from 'node:module';
import { loadPackage, type ModuleImporter } from '../../common/load-package.js';
import {
  AWS_DRIVER_NAME,
  type AwsClientLike,
  type AwsDriverOptions,
  type AwsEc2Lib,
  type AwsElbv2Lib,
  type AwsLib,
} from './aws-options.js';

/** The SDK packages the driver needs (optional peer dependencies of nlbkit). */
export const ELBV2_PACKAGE = '@aws-sdk/client-elastic-load-balancing-v2';
export const EC2_PACKAGE = '@aws-sdk/client-ec2';

/** The SDK modules the driver uses, given or loaded. */
export interface AwsSdk {
  elbv2: AwsElbv2Lib;
  ec2: AwsEc2Lib;
}

export type { ModuleImporter } from '../../common/load-package.js';

/**
 * The SDK modules: each one `lib` gives as it is, the others imported, or a PROVIDER_ERROR naming the
 * missing package and how to add it.
 */
export async function loadAwsSdk(
  operation: string,
  lib: AwsLib = {},
  importer?: ModuleImporter,
): Promise<AwsSdk> {
  const load = <T>(name: string) => loadPackage<T>(AWS_DRIVER_NAME, 'AWS', name, operation, importer);
  const [elbv2, ec2] = await Promise.all([
    lib.elbv2 ?? load<AwsElbv2Lib>(ELBV2_PACKAGE),
    lib.ec2 ?? load<AwsEc2Lib>(EC2_PACKAGE),
  ]);
  return { elbv2, ec2 };
}

/** The two clients the driver talks through. */
export interface AwsClients {
  elbv2: AwsClientLike;
  ec2: AwsClientLike;
}

/**
 * Builds the SDK's retry strategy with a custom backoff. `ConfiguredRetryStrategy` is the SDK's own
 * (from `@smithy/core`, a dependency of every v3 client); it is resolved from the ELBv2 package's
 * location so it is found under strict installers (pnpm) too.
 */
async function configuredRetryStrategy(
  maxAttempts: number,
  backoff: number | ((attempt: number) => number),
): Promise<unknown> {
  const from = import.meta.resolve(ELBV2_PACKAGE);
  const retry = createRequire(from)('@smithy/core/retry') as {
    ConfiguredRetryStrategy: new (attempts: number, backoff: number | ((n: number) => number)) => unknown;
  };
  return new retry.ConfiguredRetryStrategy(maxAttempts, backoff);
}

/**
 * Returns the injected clients, or builds the missing ones from the options (region, credentials...)
 * with `maxAttempts` tries per call.
 */
export async function buildAwsClients(
  sdk: AwsSdk,
  options: AwsDriverOptions,
  maxAttempts: number,
): Promise<AwsClients> {
  const config: Record<string, unknown> = { maxAttempts };
  if (options.region !== undefined) config.region = options.region;
  if (options.credentials !== undefined) config.credentials = options.credentials;
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  if (options.retryBackoffMs !== undefined && (!options.elbv2Client || !options.ec2Client))
    config.retryStrategy = await configuredRetryStrategy(maxAttempts, options.retryBackoffMs);
  // No `logger` is passed: the SDK then logs nothing, so no request (or credential) reaches a log.
  return {
    elbv2: options.elbv2Client ?? new sdk.elbv2.ElasticLoadBalancingV2Client(config),
    ec2: options.ec2Client ?? new sdk.ec2.EC2Client(config),
  };
}
