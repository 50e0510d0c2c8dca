/**
 * What a person reads on a terminal: NLBs, health and capabilities as tables. Pure functions of the
 * library's types (over `--server` dates arrive as ISO strings; both print the same). `--json`
 * prints the library's types instead, unchanged.
 */
import type { DriverCapabilities, IntRange } from '../../interfaces/capabilities.js';
import type { HealthInfo, IID, NLBInfo } from '../../interfaces/types.js';
import { fieldList, textTable } from './text-table.js';

const hostPort = (ip: string | undefined, port: number) =>
  ip === undefined ? `:${port}` : ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;

const listenerText = (n: NLBInfo) => `${n.listener.protocol} ${hostPort(n.listener.ip, n.listener.port)}`;

const algorithmText = (n: NLBInfo) =>
  n.vmGroup.hashFields ? `${n.vmGroup.algorithm}(${n.vmGroup.hashFields})` : n.vmGroup.algorithm;

const vmText = (vm: IID & { weight?: number | undefined }) =>
  vm.weight !== undefined && vm.weight !== 1 ? `${vm.nameId}*${vm.weight}` : vm.nameId;

const healthText = (n: NLBInfo) => {
  const hc = n.healthChecker;
  const port = hc.port === undefined ? '' : ` :${hc.port}`;
  const path = hc.httpPath ? ` ${hc.httpPath}` : '';
  return `${hc.protocol}${port}${path} every ${hc.interval}s`;
};

const timeText = (t: Date | string) => (typeof t === 'string' ? t : t.toISOString());

/** `nlbkit nlb list`: one row per NLB. */
export function renderNLBList(nlbs: readonly NLBInfo[]): string {
  if (nlbs.length === 0) return 'no NLBs';
  return textTable(
    ['NAME', 'LISTENER', 'BACKEND', 'ALGORITHM', 'VMS', 'HEALTH CHECK'],
    nlbs.map((n) => [
      n.iid.nameId,
      listenerText(n),
      `${n.vmGroup.protocol} :${n.vmGroup.port}`,
      algorithmText(n),
      n.vmGroup.vms.map(vmText).join(',') || '-',
      healthText(n),
    ]),
  );
}

/** `nlbkit nlb get` and every change command: one NLB, field by field. */
export function renderNLB(n: NLBInfo): string {
  const hc = n.healthChecker;
  const pairs: [string, string][] = [
    ['name', n.iid.nameId],
    ['system id', n.iid.systemId ?? '-'],
    ['type / scope', `${n.type} / ${n.scope}`],
    ['listener', listenerText(n)],
  ];
  if (n.listener.dnsName) pairs.push(['dns name', n.listener.dnsName]);
  pairs.push(
    ['backend', `${n.vmGroup.protocol} :${n.vmGroup.port}, ${algorithmText(n)}`],
    ['vms', n.vmGroup.vms.map(vmText).join(', ') || '-'],
    [
      'health check',
      `${healthText(n)}, timeout ${hc.timeout}s, healthy after ${hc.healthyThreshold}, unhealthy after ${hc.unhealthyThreshold}`,
    ],
  );
  if (n.vmGroup.drainTimeoutSec !== undefined) pairs.push(['draining', `${n.vmGroup.drainTimeoutSec}s`]);
  if (n.tagList.length > 0) pairs.push(['tags', n.tagList.map((t) => `${t.key}=${t.value}`).join(', ')]);
  pairs.push(['created', timeText(n.createdTime)]);
  return fieldList(pairs);
}

/** `nlbkit nlb health`: one row per VM, then the counts. */
export function renderHealth(h: HealthInfo): string {
  if (h.allVMs.length === 0) return 'no VMs in the group';
  const table = textTable(
    ['VM', 'STATE', 'REASON'],
    h.details.map((d) => [d.vm.nameId, d.state, d.reason ?? '']),
  );
  return `${table}\n${h.healthyVMs.length} healthy, ${h.unhealthyVMs.length} unhealthy, ${h.unknownVMs.length} unknown`;
}

const rangeText = (r: IntRange | null) => (r ? `${r.min}-${r.max}` : 'fixed');
const yesNo = (b: boolean | undefined) => (b ? 'yes' : 'no');

/** `nlbkit capabilities`: what the connection's driver supports. */
export function renderCapabilities(c: DriverCapabilities, connection: string): string {
  const hc = c.healthCheck;
  const changeable = Object.entries(c.changes)
    .filter(([, v]) => v)
    .map(([k]) => k);
  return fieldList([
    ['connection', `${connection} (driver ${c.driver})`],
    ['types / scopes', `${c.types.join('|')} / ${c.scopes.join('|')}`],
    ['listener protocols', c.listenerProtocols.join('|')],
    [
      'backend protocols',
      `${c.vmGroupProtocols.join('|')}${c.sameProtocolRequired ? ' (same as listener)' : ''}`,
    ],
    ['algorithms', c.algorithms.join('|')],
    ['weights', yesNo(c.weights)],
    ['max VMs', String(c.maxVMs)],
    ['listener IP on create', yesNo(c.listenerIP)],
    ['VPC required', yesNo(c.vpcRequired)],
    ['health protocols', hc.protocols.join('|')],
    [
      'health interval / timeout',
      `${rangeText(hc.interval)}s / ${rangeText(hc.timeout)}s (default ${hc.defaults.interval}s / ${hc.defaults.timeout}s)`,
    ],
    [
      'health thresholds',
      `healthy ${rangeText(hc.healthyThreshold)}, unhealthy ${rangeText(hc.unhealthyThreshold)}${hc.separateThresholds ? '' : ' (equal)'}`,
    ],
    ['draining', c.draining ? `${rangeText(c.draining.timeoutSec)}s` : (c.noDraining ?? 'no')],
    ['changeable', changeable.join(', ') || 'nothing'],
  ]);
}
