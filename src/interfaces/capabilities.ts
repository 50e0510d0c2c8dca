/**
 * What a driver can do, as data. Every driver publishes one; `checkCreate` and the `check*Change`
 * functions hold a request against it and return every violation before anything is touched, so a
 * request a cloud cannot honour fails the same way on every driver (and on the mock emulating it).
 */
import type { Violation } from './errors.js';
import { checkForwarding, type ForwardingCapabilities } from './forwarding.js';
import { quoteInput } from './input-text.js';
import type { ValidCreateRequest, ValidHealthChecker, ValidListener, ValidVMGroup } from './schemas.js';
import type {
  AddressFamily,
  Algorithm,
  ForwardingMode,
  HashFields,
  HealthCheckProtocol,
  ListenerProtocol,
  NLBScope,
  NLBType,
  ResolvedHealthCheckerInfo,
  VMGroupProtocol,
} from './types.js';

/**
 * An inclusive range of whole numbers.
 *
 * @example
 * const interval: IntRange = { min: 5, max: 300 };
 */
export interface IntRange {
  /** The smallest value allowed (no default: required). */
  readonly min: number;
  /** The largest value allowed (no default: required). */
  readonly max: number;
}

/**
 * Health-check limits of a driver. A `null` range means the setting is fixed by the provider.
 * Fields without a default are required.
 *
 * @example
 * const healthCheck: HealthCheckCapabilities = {
 *   protocols: ['TCP', 'HTTP'],
 *   interval: { min: 5, max: 300 },
 *   timeout: { min: 2, max: 120 },
 *   healthyThreshold: { min: 2, max: 10 },
 *   unhealthyThreshold: { min: 2, max: 10 },
 *   separateThresholds: true,
 *   customPort: true,
 *   httpOptions: true,
 *   defaults: { interval: 30, timeout: 10, healthyThreshold: 3, unhealthyThreshold: 3 },
 * };
 */
export interface HealthCheckCapabilities {
  /** The health-check protocols offered (no default). */
  readonly protocols: readonly HealthCheckProtocol[];
  /** Health-check protocols allowed when the VM group is UDP (AWS: no UDP checks). Default: `protocols`. */
  readonly protocolsForUdpGroup?: readonly HealthCheckProtocol[] | undefined;
  /** Seconds between checks (no default; `null`: fixed by the provider, cannot be set). */
  readonly interval: IntRange | null;
  /** Seconds a check may take (no default; `null`: fixed by the provider, cannot be set). */
  readonly timeout: IntRange | null;
  /** Successes that make a VM healthy (no default; `null`: fixed by the provider). */
  readonly healthyThreshold: IntRange | null;
  /** Failures that make a VM unhealthy (no default; `null`: fixed by the provider). */
  readonly unhealthyThreshold: IntRange | null;
  /** Whether healthy and unhealthy thresholds may differ (no default). */
  readonly separateThresholds: boolean;
  /** Whether the timeout must be strictly less than the interval (Octavia) rather than at most equal. Default false. */
  readonly timeoutBelowInterval?: boolean | undefined;
  /** Whether a check port other than the VM group's may be set (no default). */
  readonly customPort: boolean;
  /** Whether `httpPath` and `expectedCodes` are honoured (no default). */
  readonly httpOptions: boolean;
  /** The only `expectedCodes` the provider checks for, when it allows no other (Azure, GCP: `200`). Default: any. */
  readonly fixedExpectedCodes?: string | undefined;
  /** A higher minimum interval for some protocols (Octavia: UDP checks at least 3 s apart). Default: none. */
  readonly minIntervalFor?: Readonly<Partial<Record<HealthCheckProtocol, number>>> | undefined;
  /** Values used when a request leaves a setting out (no default: the driver states them). */
  readonly defaults: {
    readonly interval: number;
    readonly timeout: number;
    readonly healthyThreshold: number;
    readonly unhealthyThreshold: number;
  };
}

/**
 * Which changes a driver can make to a live NLB; every field is required (no default).
 *
 * @example
 * const changes: ChangeCapabilities = {
 *   listenerProtocol: false,
 *   listenerPort: true,
 *   listenerIP: false,
 *   vmGroupProtocol: false,
 *   vmGroupPort: true,
 *   algorithm: true,
 *   healthChecker: true,
 * };
 */
export interface ChangeCapabilities {
  /** Whether changeListener may change the listener's protocol. */
  readonly listenerProtocol: boolean;
  /** Whether changeListener may change the listener's port. */
  readonly listenerPort: boolean;
  /** Whether changeListener may change the listener's address. */
  readonly listenerIP: boolean;
  /** Whether changeVMGroupInfo may change the VM group's protocol. */
  readonly vmGroupProtocol: boolean;
  /** Whether changeVMGroupInfo may change the VM group's port. */
  readonly vmGroupPort: boolean;
  /** Whether changeVMGroupInfo may change the algorithm. */
  readonly algorithm: boolean;
  /** Whether changeHealthCheckerInfo is possible at all. */
  readonly healthChecker: boolean;
}

/**
 * A driver's capabilities: what it can do, as data the guarded handler enforces. Every driver's object
 * is frozen. Fields without a stated default are required.
 *
 * @example
 * const nlb = createMockDriver();
 * const caps: DriverCapabilities = nlb.capabilities;
 * console.log(caps.algorithms.includes('MAGLEV'), Object.isFrozen(caps)); // true true
 */
export interface DriverCapabilities {
  /** The driver's name, e.g. `aws` (no default). */
  readonly driver: string;
  /** The NLB types offered (no default). */
  readonly types: readonly NLBType[];
  /** The scopes offered (no default). */
  readonly scopes: readonly NLBScope[];
  /** The listener protocols offered (no default). */
  readonly listenerProtocols: readonly ListenerProtocol[];
  /** The VM group protocols offered (no default). */
  readonly vmGroupProtocols: readonly VMGroupProtocol[];
  /** Whether the listener and VM group protocols must be equal (true on every layer-4 cloud NLB; no default). */
  readonly sameProtocolRequired: boolean;
  /** Whether the listener port must equal the VM group port (GCP's passthrough NLBs do not translate ports). Default false. */
  readonly samePortRequired?: boolean | undefined;
  /** Whether a listener IP may be requested on create (no default). */
  readonly listenerIP: boolean;
  /** Whether a VPC must be named on create (no default). */
  readonly vpcRequired: boolean;
  /** The algorithms offered; a create that names none gets ROUND_ROBIN, or the first where ROUND_ROBIN is not offered (no default). */
  readonly algorithms: readonly Algorithm[];
  /** Hash fields the hashing algorithms honour when `hashFields` is given. Default: all. */
  readonly hashFields?: readonly HashFields[] | undefined;
  /** The longest NLB name the provider accepts, when shorter than the schema's 63 (AWS: 32). Default 63. */
  readonly maxNameLength?: number | undefined;
  /**
   * A rule NLB names must follow when the provider's is narrower than the schema's (GCP: RFC 1035,
   * lowercase): `pattern` is a regular expression's source, `text` says it in words. Default: none.
   */
  readonly namePattern?: { readonly pattern: string; readonly text: string } | undefined;
  /** NLB name prefixes the provider reserves (AWS: `internal-`). Default: none. */
  readonly reservedNamePrefixes?: readonly string[] | undefined;
  /** Whether per-VM weights are honoured (no default). */
  readonly weights: boolean;
  /** The most VMs one NLB may hold (no default). */
  readonly maxVMs: number;
  /** Health-check limits (no default). */
  readonly healthCheck: HealthCheckCapabilities;
  /** Which changes to a live NLB are possible (no default). */
  readonly changes: ChangeCapabilities;
  /** Listener address families (dual stack). Default (absent): IPv4 only, not changeable ({@link IPV4_ONLY}). */
  readonly addressFamilies?: AddressFamilyCapabilities | undefined;
  // Connection draining and adoption (extensions, issue 20).
  /** Connection draining (`vmGroup.drainTimeoutSec`). Default (absent): cannot be set; see `noDraining`. */
  readonly draining?: DrainingCapabilities | undefined;
  /** Why draining cannot be set and what the provider does instead, when `draining` is absent. Default: no reason given. */
  readonly noDraining?: string | undefined;
  /** Whether the driver implements `AdoptableNLBHandler` (adoptNLB / releaseNLB). Default false. */
  readonly adoption?: boolean | undefined;
  /** Forwarding modes (`vmGroup.forwarding`, issue 21). Default: absent, only `nat`, and the field is refused. */
  readonly forwarding?: ForwardingCapabilities | undefined;
}

/**
 * How long a removed VM may keep its established connections on a driver; every field is required
 * (no default).
 *
 * @example
 * const draining: DrainingCapabilities = { timeoutSec: { min: 0, max: 3600 }, defaultSec: 300, unhealthy: false };
 */
export interface DrainingCapabilities {
  /** The seconds `vmGroup.drainTimeoutSec` may take (0: cut at once). */
  readonly timeoutSec: IntRange;
  /**
   * What an NLB created without `drainTimeoutSec` gets, in seconds (the provider's own default); null:
   * no timeout, a removed VM's established connections go on until they end (and getNLB leaves
   * `drainTimeoutSec` out).
   */
  readonly defaultSec: number | null;
  /** Whether a VM that turns unhealthy is drained too (not only a removed one). */
  readonly unhealthy: boolean;
}

const rangeText = (r: IntRange) => `${r.min}-${r.max}`;
const unsupported = (path: string, message: string, allowed?: string): Violation => ({
  path,
  message,
  allowed,
  code: 'UNSUPPORTED',
});
const invalid = (path: string, message: string, allowed?: string): Violation => ({
  path,
  message,
  allowed,
  code: 'INVALID_ARGUMENT',
});

function checkRange(
  out: Violation[],
  path: string,
  value: number | undefined,
  range: IntRange | null,
  driver: string,
) {
  if (value === undefined) return;
  if (range === null) out.push(unsupported(path, `cannot be set on ${driver}`));
  else if (value < range.min || value > range.max)
    out.push(unsupported(path, `${value} is out of range on ${driver}`, rangeText(range)));
}

function oneOf<T extends string>(
  out: Violation[],
  path: string,
  value: T | undefined,
  allowed: readonly T[],
  what: string,
) {
  if (value !== undefined && !allowed.includes(value))
    out.push(unsupported(path, `${what} ${quoteInput(value)} is not supported`, allowed.join('|')));
}

/** Checks a listener against the capabilities. */
export function checkListener(caps: DriverCapabilities, l: ValidListener, creating: boolean): Violation[] {
  const out: Violation[] = [];
  oneOf(out, 'listener.protocol', l.protocol, caps.listenerProtocols, 'protocol');
  if (creating && l.ip !== undefined && !caps.listenerIP)
    out.push(unsupported('listener.ip', `a listener IP cannot be requested on ${caps.driver}`));
  out.push(...checkAddressFamily(caps, l));
  return out;
}

/** Checks a VM group against the capabilities. */
export function checkVMGroup(caps: DriverCapabilities, g: ValidVMGroup): Violation[] {
  const out: Violation[] = [];
  oneOf(out, 'vmGroup.protocol', g.protocol, caps.vmGroupProtocols, 'protocol');
  oneOf(out, 'vmGroup.algorithm', g.algorithm, caps.algorithms, 'algorithm');
  if (caps.hashFields) oneOf(out, 'vmGroup.hashFields', g.hashFields, caps.hashFields, 'hash fields');
  if (g.vms.length > caps.maxVMs) out.push(unsupported('vmGroup.vms', `at most ${caps.maxVMs} VMs per NLB`));
  if (!caps.weights) {
    const i = g.vms.findIndex((vm) => vm.weight !== undefined && vm.weight !== 1);
    if (i >= 0)
      out.push(unsupported(`vmGroup.vms[${i}].weight`, `weights are not supported on ${caps.driver}`));
  }
  out.push(...checkDrain(caps, g.drainTimeoutSec));
  return out;
}

/** Checks `vmGroup.drainTimeoutSec` against the driver's draining capabilities. */
export function checkDrain(caps: DriverCapabilities, seconds: number | undefined): Violation[] {
  if (seconds === undefined) return [];
  const path = 'vmGroup.drainTimeoutSec';
  if (!caps.draining)
    return [
      unsupported(
        path,
        `connection draining cannot be set on ${caps.driver}${caps.noDraining ? `: ${caps.noDraining}` : ''}`,
      ),
    ];
  const out: Violation[] = [];
  checkRange(out, path, seconds, caps.draining.timeoutSec, caps.driver);
  return out;
}

/** Checks a health checker against the capabilities, knowing the VM group it checks. */
export function checkHealthChecker(
  caps: DriverCapabilities,
  hc: ValidHealthChecker,
  group: { protocol: VMGroupProtocol; port: number },
): Violation[] {
  const out: Violation[] = [];
  const hcc = caps.healthCheck;
  const protocols = group.protocol === 'UDP' ? (hcc.protocolsForUdpGroup ?? hcc.protocols) : hcc.protocols;
  oneOf(
    out,
    'healthChecker.protocol',
    hc.protocol,
    protocols,
    `health-check protocol for a ${group.protocol} group,`,
  );
  checkRange(out, 'healthChecker.interval', hc.interval, hcc.interval, caps.driver);
  checkRange(out, 'healthChecker.timeout', hc.timeout, hcc.timeout, caps.driver);
  const rise = hc.healthyThreshold ?? hc.threshold;
  const fall = hc.unhealthyThreshold ?? hc.threshold;
  checkRange(out, 'healthChecker.healthyThreshold', rise, hcc.healthyThreshold, caps.driver);
  checkRange(out, 'healthChecker.unhealthyThreshold', fall, hcc.unhealthyThreshold, caps.driver);
  if (!hcc.separateThresholds && rise !== undefined && fall !== undefined && rise !== fall)
    out.push(
      unsupported('healthChecker.unhealthyThreshold', `must equal healthyThreshold on ${caps.driver}`),
    );
  if (hc.port !== undefined && hc.port !== group.port && !hcc.customPort)
    out.push(
      unsupported('healthChecker.port', `must be the VM group port on ${caps.driver}`, String(group.port)),
    );
  if (!hcc.httpOptions && (hc.httpPath !== undefined || hc.expectedCodes !== undefined))
    out.push(unsupported('healthChecker.httpPath', `HTTP path and codes cannot be set on ${caps.driver}`));
  if (
    hcc.fixedExpectedCodes !== undefined &&
    hc.expectedCodes !== undefined &&
    hc.expectedCodes !== hcc.fixedExpectedCodes
  )
    out.push(
      unsupported(
        'healthChecker.expectedCodes',
        `${caps.driver} checks for ${hcc.fixedExpectedCodes} only`,
        hcc.fixedExpectedCodes,
      ),
    );
  const resolved = resolveHealthChecker(caps, hc);
  const floor = hcc.minIntervalFor?.[hc.protocol];
  if (floor !== undefined && resolved.interval < floor)
    out.push(
      unsupported(
        'healthChecker.interval',
        `${resolved.interval}s is below ${caps.driver}'s minimum for ${hc.protocol} checks`,
        hcc.interval ? `${floor}-${hcc.interval.max}` : `>= ${floor}`,
      ),
    );
  if (
    resolved.timeout > resolved.interval ||
    (hcc.timeoutBelowInterval && resolved.timeout >= resolved.interval)
  )
    out.push(
      invalid(
        'healthChecker.timeout',
        `${resolved.timeout}s must be ${hcc.timeoutBelowInterval ? 'less than' : 'at most'} the interval (${resolved.interval}s)`,
      ),
    );
  return out;
}

/**
 * Checks the whole create request against the capabilities: every violation, in field order.
 *
 * @example
 * const violations = checkCreate(mockDefaultCapabilities, {
 *   iid: { nameId: 'web' },
 *   listener: { protocol: 'TCP', port: 80 },
 *   vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'web1' }] },
 *   healthChecker: { protocol: 'TCP', interval: 1, timeout: 5 },
 * });
 * console.log(violations.map((v) => v.path)); // ['healthChecker.timeout']
 */
export function checkCreate(caps: DriverCapabilities, req: ValidCreateRequest): Violation[] {
  const out: Violation[] = [];
  out.push(...checkName(caps, req.iid.nameId));
  if (caps.vpcRequired && !req.vpcIID) out.push(invalid('vpcIID', `a VPC is required on ${caps.driver}`));
  oneOf(out, 'type', req.type, caps.types, 'type');
  oneOf(out, 'scope', req.scope, caps.scopes, 'scope');
  out.push(...checkListener(caps, req.listener, true));
  out.push(...checkCreateAddressFamily(caps, req.listener));
  out.push(...checkVMGroup(caps, req.vmGroup));
  out.push(...checkProtocolPair(caps, req.listener.protocol, req.vmGroup.protocol));
  out.push(...checkPortPair(caps, req.listener.port, req.vmGroup.port, 'vmGroup.port'));
  out.push(...checkHealthChecker(caps, req.healthChecker, req.vmGroup));
  out.push(
    ...checkForwarding(caps, {
      requested: req.vmGroup.forwarding,
      algorithm: req.vmGroup.algorithm,
      listenerPort: req.listener.port,
      groupPort: req.vmGroup.port,
      family: requestedAddressFamily(caps, req.listener),
    }),
  );
  return out;
}

/** Checks an NLB name against the provider's own, narrower naming rules. */
export function checkName(caps: DriverCapabilities, name: string): Violation[] {
  const out: Violation[] = [];
  if (caps.maxNameLength !== undefined && name.length > caps.maxNameLength)
    out.push(
      unsupported(
        'iid.nameId',
        `${name.length} characters is too long on ${caps.driver}`,
        `1-${caps.maxNameLength}`,
      ),
    );
  if (caps.namePattern && !new RegExp(caps.namePattern.pattern).test(name))
    out.push(
      unsupported(
        'iid.nameId',
        `${quoteInput(name)} is not a valid name on ${caps.driver}`,
        caps.namePattern.text,
      ),
    );
  const prefix = caps.reservedNamePrefixes?.find((p) => name.toLowerCase().startsWith(p.toLowerCase()));
  if (prefix !== undefined)
    out.push(unsupported('iid.nameId', `names starting with '${prefix}' are reserved on ${caps.driver}`));
  return out;
}

/** Listener and VM group protocols must match on drivers that say so. */
export function checkProtocolPair(
  caps: DriverCapabilities,
  listener: ListenerProtocol,
  group: VMGroupProtocol,
): Violation[] {
  if (caps.sameProtocolRequired && listener !== group)
    return [
      unsupported('vmGroup.protocol', `must equal the listener protocol (${listener}) on ${caps.driver}`),
    ];
  return [];
}

/** Listener and VM group ports must match on drivers that do not translate ports. */
export function checkPortPair(
  caps: DriverCapabilities,
  listenerPort: number,
  groupPort: number,
  path: 'listener.port' | 'vmGroup.port',
): Violation[] {
  if (!caps.samePortRequired || listenerPort === groupPort) return [];
  const other =
    path === 'vmGroup.port' ? `the listener port (${listenerPort})` : `the VM group port (${groupPort})`;
  return [unsupported(path, `must equal ${other} on ${caps.driver}, which does not translate ports`)];
}

/** Checks a listener change against what is in force now, knowing the VM group it serves. */
export function checkListenerChange(
  caps: DriverCapabilities,
  current: {
    protocol: ListenerProtocol;
    port: number;
    ip?: string | undefined;
    addressFamily?: AddressFamily | undefined;
  },
  next: ValidListener,
  group: {
    protocol: VMGroupProtocol;
    port: number;
    algorithm?: Algorithm | undefined;
    forwarding?: ForwardingMode | undefined;
  },
): Violation[] {
  const out = checkListener(caps, next, false);
  if (next.protocol !== current.protocol && !caps.changes.listenerProtocol)
    out.push(unsupported('listener.protocol', `cannot be changed on ${caps.driver}`));
  if (next.port !== current.port && !caps.changes.listenerPort)
    out.push(unsupported('listener.port', `cannot be changed on ${caps.driver}`));
  if (next.ip !== undefined && next.ip !== current.ip && !caps.changes.listenerIP)
    out.push(unsupported('listener.ip', `cannot be changed on ${caps.driver}`));
  out.push(...checkAddressFamilyChange(caps, current, next));
  out.push(...checkProtocolPair(caps, next.protocol, group.protocol));
  out.push(...checkPortPair(caps, next.port, group.port, 'listener.port'));
  out.push(
    ...checkForwarding(caps, {
      requested: undefined,
      current: group.forwarding,
      algorithm: group.algorithm,
      listenerPort: next.port,
      groupPort: group.port,
      family: nextAddressFamily(current, next),
      portPath: 'listener.port',
    }),
  );
  return out;
}

/** Checks a VM group change against what is in force now, knowing the listener it serves. */
export function checkVMGroupChange(
  caps: DriverCapabilities,
  current: {
    protocol: VMGroupProtocol;
    port: number;
    algorithm: Algorithm;
    forwarding?: ForwardingMode | undefined;
  },
  next: ValidVMGroup,
  listener: { protocol: ListenerProtocol; port: number; addressFamily?: AddressFamily | undefined },
): Violation[] {
  const out = checkVMGroup(caps, next);
  if (next.protocol !== current.protocol && !caps.changes.vmGroupProtocol)
    out.push(unsupported('vmGroup.protocol', `cannot be changed on ${caps.driver}`));
  if (next.port !== current.port && !caps.changes.vmGroupPort)
    out.push(unsupported('vmGroup.port', `cannot be changed on ${caps.driver}`));
  if (next.algorithm !== undefined && next.algorithm !== current.algorithm && !caps.changes.algorithm)
    out.push(unsupported('vmGroup.algorithm', `cannot be changed on ${caps.driver}`));
  out.push(...checkProtocolPair(caps, listener.protocol, next.protocol));
  out.push(...checkPortPair(caps, listener.port, next.port, 'vmGroup.port'));
  out.push(
    ...checkForwarding(caps, {
      requested: next.forwarding,
      current: current.forwarding,
      algorithm: next.algorithm ?? current.algorithm,
      listenerPort: listener.port,
      groupPort: next.port,
      family: listener.addressFamily,
    }),
  );
  return out;
}

/**
 * Fills every unset health-check setting from the driver's defaults.
 *
 * @example
 * const hc = resolveHealthChecker(mockDefaultCapabilities, { protocol: 'TCP' });
 * console.log(hc.interval, hc.timeout); // 10 5: the driver's defaults
 */
export function resolveHealthChecker(
  caps: DriverCapabilities,
  hc: ValidHealthChecker,
): ResolvedHealthCheckerInfo {
  const d = caps.healthCheck.defaults;
  const healthyThreshold = hc.healthyThreshold ?? hc.threshold ?? d.healthyThreshold;
  const unhealthyThreshold = hc.unhealthyThreshold ?? hc.threshold ?? d.unhealthyThreshold;
  const interval = hc.interval ?? d.interval;
  return {
    ...hc,
    interval,
    timeout: hc.timeout ?? Math.min(d.timeout, interval),
    threshold: hc.threshold ?? healthyThreshold,
    healthyThreshold,
    unhealthyThreshold,
  };
}

/**
 * An algorithm's default hash fields: FIVE_TUPLE for MAGLEV, SOURCE_IP for SOURCE_HASH, unless the
 * driver honours only other fields (AWS hashes the 5-tuple), then the driver's first.
 */
export function defaultHashFields(
  algorithm: Algorithm,
  caps?: Pick<DriverCapabilities, 'hashFields'>,
): HashFields {
  const preferred: HashFields = algorithm === 'MAGLEV' ? 'FIVE_TUPLE' : 'SOURCE_IP';
  const allowed = caps?.hashFields;
  return !allowed || allowed.length === 0 || allowed.includes(preferred)
    ? preferred
    : (allowed[0] as HashFields);
}

// --- Listener address families (dual stack) ---

/**
 * Which listener address families a driver offers (extension).
 *
 * @example
 * const addressFamilies: AddressFamilyCapabilities = { families: ['IPV4', 'IPV6'], default: 'IPV4', change: false };
 */
export interface AddressFamilyCapabilities {
  /** The families a listener may have (no default). */
  readonly families: readonly AddressFamily[];
  /**
   * The family of a create request that names none and requests no `ip` (a requested `ip` gives its
   * own family). Default (undefined): the driver chooses (native: IPv4 when every VM has an IPv4 address).
   */
  readonly default?: AddressFamily | undefined;
  /** Whether changeListener may change the family of a live NLB (no default). */
  readonly change: boolean;
}

/** What a driver without `addressFamilies` offers: IPv4 only. */
export const IPV4_ONLY: AddressFamilyCapabilities = Object.freeze({
  families: Object.freeze(['IPV4'] as const),
  default: 'IPV4',
  change: false,
});

/** The driver's address-family capabilities, {@link IPV4_ONLY} when it declares none. */
export const addressFamiliesOf = (caps: Pick<DriverCapabilities, 'addressFamilies'>) =>
  caps.addressFamilies ?? IPV4_ONLY;

/** The single family of a canonical address. */
export const familyOfAddress = (ip: string): 'IPV4' | 'IPV6' => (ip.includes(':') ? 'IPV6' : 'IPV4');

/** Whether a listener of `family` can have `ip` (a DUAL_STACK one takes either family's). */
export const addressFits = (ip: string, family: AddressFamily): boolean =>
  family === 'DUAL_STACK' || familyOfAddress(ip) === family;

/**
 * The family a create request asks for: the one it names, else the requested `ip`'s, else the
 * driver's default (undefined: the driver chooses).
 *
 * @example
 * const caps = { addressFamilies: { families: ['IPV4' as const, 'IPV6' as const], change: false } };
 * requestedAddressFamily(caps, { ip: 'fd00::1' }); // 'IPV6'
 */
export function requestedAddressFamily(
  caps: Pick<DriverCapabilities, 'addressFamilies'>,
  l: { ip?: string | undefined; addressFamily?: AddressFamily | undefined },
): AddressFamily | undefined {
  return l.addressFamily ?? (l.ip !== undefined ? familyOfAddress(l.ip) : addressFamiliesOf(caps).default);
}

/**
 * The family a listener change leaves in force: the one it names, else the current one, unless the
 * requested `ip` is of another family (then that address's family, as the native driver always did).
 *
 * @example
 * nextAddressFamily({ addressFamily: 'IPV4' }, { ip: '2001:db8::5' }); // 'IPV6'
 * nextAddressFamily({ addressFamily: 'DUAL_STACK' }, { ip: '2001:db8::5' }); // 'DUAL_STACK'
 */
export function nextAddressFamily(
  current: { addressFamily?: AddressFamily | undefined },
  next: { ip?: string | undefined; addressFamily?: AddressFamily | undefined },
): AddressFamily | undefined {
  if (next.addressFamily !== undefined) return next.addressFamily;
  const now = current.addressFamily;
  if (next.ip === undefined || now === undefined || addressFits(next.ip, now)) return now;
  return familyOfAddress(next.ip);
}

/** A named family must be offered, and a requested `ip` must be of it. */
function checkAddressFamily(caps: DriverCapabilities, l: ValidListener): Violation[] {
  const out: Violation[] = [];
  const { families } = addressFamiliesOf(caps);
  oneOf(out, 'listener.addressFamily', l.addressFamily, families, 'address family');
  if (l.addressFamily !== undefined && l.ip !== undefined && !addressFits(l.ip, l.addressFamily))
    out.push(
      invalid('listener.ip', `${l.ip} is not an address of an ${l.addressFamily} listener`, l.addressFamily),
    );
  return out;
}

/** A create that names no family gets the requested `ip`'s: that family must be offered too. */
function checkCreateAddressFamily(caps: DriverCapabilities, l: ValidListener): Violation[] {
  const family = requestedAddressFamily(caps, l);
  const { families } = addressFamiliesOf(caps);
  if (l.addressFamily !== undefined || family === undefined || families.includes(family)) return [];
  return [
    unsupported(
      'listener.ip',
      `an ${family} listener is not supported on ${caps.driver}`,
      families.join('|'),
    ),
  ];
}

/** A change of family (named, or implied by an `ip` of the other family) needs `change`. */
function checkAddressFamilyChange(
  caps: DriverCapabilities,
  current: { addressFamily?: AddressFamily | undefined },
  next: ValidListener,
): Violation[] {
  const family = nextAddressFamily(current, next);
  if (family === current.addressFamily || current.addressFamily === undefined) return [];
  const path = next.addressFamily !== undefined ? 'listener.addressFamily' : 'listener.ip';
  const { families, change } = addressFamiliesOf(caps);
  if (!change) return [unsupported(path, `the address family cannot be changed on ${caps.driver}`)];
  if (next.addressFamily === undefined && family !== undefined && !families.includes(family))
    return [
      unsupported(path, `an ${family} listener is not supported on ${caps.driver}`, families.join('|')),
    ];
  return [];
}
