/**
 * Identifiers in the formats AWS uses, so drivers that parse ARNs or ids (e.g. to take the load
 * balancer name out of an ARN) are exercised against realistic values.
 */
import { randomBytes } from 'node:crypto';

/** `n` random lowercase hex digits. */
export function hexId(n: number): string {
  return randomBytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n);
}

/** An EC2 style id such as `vpc-0a1b2c3d4e5f67890` (17 hex digits, like current AWS ids). */
export function ec2Id(prefix: string): string {
  return `${prefix}-${hexId(17)}`;
}

/** The ARN prefix for one region and account. */
export function elbArnPrefix(region: string, accountId: string): string {
  return `arn:aws:elasticloadbalancing:${region}:${accountId}`;
}
