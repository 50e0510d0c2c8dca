/**
 * ELBv2 input rules for network load balancers: resource names, tags and target-group health
 * checks. Messages follow the shapes AWS uses (model-constraint wording for ranges).
 */
import { AwsFault, validationError } from './errors.js';
import type { Params } from './form.js';
import type { HealthSettings } from './state.js';

/** Checks an LB or TG name: 1-32 alphanumerics/hyphens, no hyphen at either end. */
export function checkName(kind: 'Load balancer' | 'Target group', name: string): void {
  if (name.length > 32) throw validationError(`${kind} name '${name}' cannot be longer than '32' characters`);
  if (!/^[A-Za-z0-9-]+$/.test(name)) {
    throw validationError(
      `${kind} name '${name}' can only contain characters that are alphanumeric characters or hyphens(-)`,
    );
  }
  if (name.startsWith('-') || name.endsWith('-')) {
    throw validationError(`${kind} name '${name}' cannot begin or end with '-' character`);
  }
  if (kind === 'Load balancer' && name.toLowerCase().startsWith('internal-')) {
    throw validationError(`Load balancer name '${name}' cannot begin with 'internal-'`);
  }
}

/** The model-constraint message AWS sends for a number outside its range. */
export function checkRange(field: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (value < min) {
    throw validationError(
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
    );
  }
  if (value > max) {
    throw validationError(
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
    );
  }
}

/** The model-constraint message for a value outside an enum. */
export function checkEnum(field: string, value: string | undefined, allowed: readonly string[]): void {
  if (value === undefined || allowed.includes(value)) return;
  throw validationError(
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
  );
}

/** Reads `Tags.member.N.Key/Value` (or another list prefix) with AWS's tag rules. */
export function readTags(params: Params, prefix = 'Tags.member'): [string, string][] {
  const tags = params.structs(prefix).map((t) => [t.req('Key'), t.str('Value') ?? ''] as [string, string]);
  const seen = new Set<string>();
  for (const [key, value] of tags) {
    if (seen.has(key)) throw new AwsFault('DuplicateTagKeys', `Tag key '${key}' specified more than once`);
    seen.add(key);
    if (key.length > 128) throw validationError(`Tag key '${key}' cannot be longer than 128 characters`);
    if (value.length > 256)
      throw validationError(`Tag value for key '${key}' cannot be longer than 256 characters`);
    if (key.toLowerCase().startsWith('aws:'))
      throw validationError(`Tag keys starting with 'aws:' are reserved`);
  }
  return tags;
}

const HEALTH_PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP', 'GENEVE'] as const;
const NLB_HEALTH_PROTOCOLS = ['TCP', 'HTTP', 'HTTPS'];

function checkMatcher(code: string): void {
  const ok = code.split(',').every((part) => {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(part.trim());
    if (!m) return false;
    const lo = Number(m[1]);
    const hi = Number(m[2] ?? m[1]);
    return lo >= 200 && hi <= 599 && lo <= hi;
  });
  if (!ok) {
    throw validationError(
      `Health check matcher HTTP code '${code}' must be within '200-599' (a value like '200', '200,202' or '200-299')`,
    );
  }
}

/**
 * Resolves the health-check settings of a target group from request params, starting from AWS's NLB
 * defaults (create) or from the current settings (modify), and enforces the NLB rules.
 */
export function resolveHealth(tgProtocol: string, params: Params, current?: HealthSettings): HealthSettings {
  const protocol = params.str('HealthCheckProtocol') ?? current?.protocol ?? 'TCP';
  checkEnum('healthCheckProtocol', protocol, HEALTH_PROTOCOLS);
  if (!NLB_HEALTH_PROTOCOLS.includes(protocol)) {
    throw validationError(
      `Health check protocol '${protocol}' is not supported for target groups with the '${tgProtocol}' protocol; use TCP, HTTP or HTTPS`,
    );
  }
  const http = protocol !== 'TCP';
  const port = params.str('HealthCheckPort') ?? current?.port ?? 'traffic-port';
  if (port !== 'traffic-port') {
    const n = Number(port);
    if (!/^\d+$/.test(port) || n < 1 || n > 65535) {
      throw validationError(`Health check port '${port}' must be 'traffic-port' or a number from 1 to 65535`);
    }
  }
  const interval = params.int('HealthCheckIntervalSeconds') ?? current?.interval ?? 30;
  const timeout =
    params.int('HealthCheckTimeoutSeconds') ?? current?.timeout ?? (protocol === 'HTTP' ? 6 : 10);
  const healthy = params.int('HealthyThresholdCount') ?? current?.healthy ?? 5;
  const unhealthy = params.int('UnhealthyThresholdCount') ?? current?.unhealthy ?? 2;
  checkRange('healthCheckIntervalSeconds', interval, 5, 300);
  checkRange('healthCheckTimeoutSeconds', timeout, 2, 120);
  checkRange('healthyThresholdCount', healthy, 2, 10);
  checkRange('unhealthyThresholdCount', unhealthy, 2, 10);
  if (timeout > interval) {
    throw validationError(
      `Health check timeout '${timeout}' must not be greater than the interval '${interval}'`,
    );
  }
  const pathParam = params.str('HealthCheckPath');
  const matcherParam = params.str('Matcher.HttpCode');
  if (!http && pathParam !== undefined) {
    throw validationError(
      `A health check path cannot be specified for the '${protocol}' health check protocol`,
    );
  }
  if (!http && matcherParam !== undefined) {
    throw validationError(
      `A health check matcher cannot be specified for the '${protocol}' health check protocol`,
    );
  }
  if (pathParam !== undefined && (!pathParam.startsWith('/') || pathParam.length > 1024)) {
    throw validationError(
      `Health check path '${pathParam}' must start with '/' and be at most 1024 characters`,
    );
  }
  if (matcherParam !== undefined) checkMatcher(matcherParam);
  const base = { protocol, port, interval, timeout, healthy, unhealthy };
  if (!http) return base;
  return {
    ...base,
    path: pathParam ?? current?.path ?? '/',
    matcher: matcherParam ?? current?.matcher ?? '200-399',
  };
}
