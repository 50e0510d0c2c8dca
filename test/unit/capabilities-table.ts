/**
 * Renders drivers' capabilities as one Markdown table (rows: what a user compares; columns: drivers),
 * so docs/drivers/comparison.md is made from the data the drivers enforce and cannot drift from it.
 */
import {
  addressFamiliesOf,
  type DriverCapabilities,
  type IntRange,
} from '../../src/interfaces/capabilities.js';

const range = (r: IntRange | null, unit = '') => (r ? `${r.min}-${r.max}${unit}` : 'fixed');
const list = (xs: readonly string[] | undefined) => (xs && xs.length > 0 ? xs.join(', ') : '-');
const yes = (b: boolean | undefined) => (b ? 'yes' : 'no');

const ROWS: [string, (c: DriverCapabilities) => string][] = [
  ['types', (c) => list(c.types)],
  ['scopes', (c) => list(c.scopes)],
  ['listener protocols', (c) => list(c.listenerProtocols)],
  ['VM group protocols', (c) => list(c.vmGroupProtocols)],
  ['listener IP on create', (c) => yes(c.listenerIP)],
  ['VPC required', (c) => yes(c.vpcRequired)],
  ['algorithms', (c) => list(c.algorithms)],
  ['hash fields', (c) => list(c.hashFields ?? ['SOURCE_IP', 'SOURCE_IP_PORT', 'FIVE_TUPLE'])],
  ['weights', (c) => yes(c.weights)],
  ['max VMs', (c) => String(c.maxVMs)],
  ['max name length', (c) => String(c.maxNameLength ?? 63)],
  [
    'name pattern (beyond the schema)',
    (c) => (c.namePattern ? `\`${c.namePattern.pattern.replaceAll('|', '\\|')}\`` : '-'),
  ],
  ['listener port = VM port', (c) => yes(c.samePortRequired)],
  ['health protocols', (c) => list(c.healthCheck.protocols)],
  ['health protocols, UDP group', (c) => list(c.healthCheck.protocolsForUdpGroup ?? c.healthCheck.protocols)],
  ['health interval', (c) => range(c.healthCheck.interval, ' s')],
  [
    'health timeout',
    (c) => `${range(c.healthCheck.timeout, ' s')}${c.healthCheck.timeoutBelowInterval ? ', < interval' : ''}`,
  ],
  [
    'rise / fall',
    (c) =>
      `${range(c.healthCheck.healthyThreshold)} / ${range(c.healthCheck.unhealthyThreshold)}${c.healthCheck.separateThresholds ? '' : ' (one value)'}`,
  ],
  ['custom check port', (c) => yes(c.healthCheck.customPort)],
  [
    'HTTP path / codes',
    (c) =>
      c.healthCheck.httpOptions
        ? `yes${c.healthCheck.fixedExpectedCodes ? ` (codes: ${c.healthCheck.fixedExpectedCodes} only)` : ''}`
        : 'no',
  ],
  [
    'defaults (interval / timeout / rise / fall)',
    (c) => {
      const d = c.healthCheck.defaults;
      const timeout = c.healthCheck.timeout ? String(d.timeout) : 'the interval';
      return `${d.interval} / ${timeout} / ${d.healthyThreshold} / ${d.unhealthyThreshold}`;
    },
  ],
  [
    'change listener port / protocol / IP',
    (c) => [c.changes.listenerPort, c.changes.listenerProtocol, c.changes.listenerIP].map(yes).join(' / '),
  ],
  [
    'change group port / protocol / algorithm',
    (c) => [c.changes.vmGroupPort, c.changes.vmGroupProtocol, c.changes.algorithm].map(yes).join(' / '),
  ],
  ['change health checker', (c) => yes(c.changes.healthChecker)],
  // Listener address families (dual stack).
  [
    'listener address families (default)',
    (c) => {
      const a = addressFamiliesOf(c);
      return `${list(a.families)} (default: ${a.default ?? "the VMs' family"})`;
    },
  ],
  ['change address family', (c) => yes(addressFamiliesOf(c).change)],
  // Draining (issue 20).
  [
    'connection draining (`drainTimeoutSec`)',
    (c) =>
      c.draining
        ? `${range(c.draining.timeoutSec, ' s')}, default ${c.draining.defaultSec === null ? 'none (untimed)' : `${c.draining.defaultSec} s`}${c.draining.unhealthy ? '' : ', removed VMs only'}`
        : 'no',
  ],
  ['adoptNLB / releaseNLB', (c) => yes(c.adoption)],
];

/** The Markdown table comparing `drivers` (in the given order). */
export function capabilitiesTable(drivers: readonly DriverCapabilities[]): string {
  const head = `| | ${drivers.map((d) => d.driver).join(' | ')} |`;
  const rule = `|---|${drivers.map(() => '---').join('|')}|`;
  const rows = ROWS.map(([label, cell]) => `| ${label} | ${drivers.map((d) => cell(d)).join(' | ')} |`);
  return [head, rule, ...rows].join('\n');
}
